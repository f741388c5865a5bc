// Task dots, pre-drawn once per colour and state and shared by every island: copying a small
// bitmap is much cheaper than filling a circle per dot (an island holds a hundred).
const sprites = new Map<string, HTMLCanvasElement>();

export function dotSprite(color: string, alpha: number, ratio: number): HTMLCanvasElement {
  const key = `${color}|${alpha}|${ratio}`;
  let c = sprites.get(key);
  if (c) return c;
  c = document.createElement('canvas');
  c.width = c.height = Math.ceil(10 * ratio);
  const g = c.getContext('2d');
  if (g) {
    g.scale(ratio, ratio);
    g.globalAlpha = alpha;
    g.fillStyle = color;
    g.beginPath();
    g.arc(5, 5, 5, 0, Math.PI * 2);
    g.fill();
  }
  sprites.set(key, c);
  return c;
}

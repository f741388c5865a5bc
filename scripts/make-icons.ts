// Renders the app icon from assets/icon.svg into build/ for electron-builder: a 1024 px PNG
// (macOS converts it to .icns, Linux and Windows read it too), Linux's sized PNGs, and a
// Windows .ico. Records the SVG's hash so a test can tell when the icons are stale.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import pngToIco from 'png-to-ico';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ICON_SVG = path.join(ROOT, 'assets', 'icon.svg');
export const BUILD = path.join(ROOT, 'build');
export const LINUX_SIZES = [16, 32, 48, 64, 128, 256, 512];

export const svgHash = (svg: Buffer | string) => createHash('sha256').update(svg).digest('hex');

const render = (svg: Buffer, size: number) => new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng();

async function main(): Promise<void> {
  const svg = readFileSync(ICON_SVG);
  mkdirSync(path.join(BUILD, 'icons'), { recursive: true });
  writeFileSync(path.join(BUILD, 'icon.png'), render(svg, 1024));
  for (const size of LINUX_SIZES) writeFileSync(path.join(BUILD, 'icons', `${size}x${size}.png`), render(svg, size));
  writeFileSync(path.join(BUILD, 'icon.ico'), await pngToIco([16, 24, 32, 48, 64, 128, 256].map((s) => Buffer.from(render(svg, s)))));
  writeFileSync(path.join(BUILD, 'icon-source.sha256'), `${svgHash(svg)}  assets/icon.svg\n`);
  console.log('wrote build/icon.png, build/icons/*.png, build/icon.ico');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

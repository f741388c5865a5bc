// Does a screenshot differ visibly from another? Decoded with pngjs and compared pixel by pixel
// with pixelmatch (anti-aliasing ignored), so re-encoding, font hinting and a changed number
// in a corner do not count as a change; another size, layout or colour does.
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';

/** More than this share of the pixels must differ for a change to count as visible. */
export const VISIBLE_SHARE = 0.01;

export interface ScreenshotDiff {
  visible: boolean;
  /** Why, in words: the sizes, or the share of pixels that differ. */
  reason: string;
  share: number;
}

export function screenshotDiff(before: Buffer, after: Buffer, visibleShare = VISIBLE_SHARE): ScreenshotDiff {
  const a = PNG.sync.read(before);
  const b = PNG.sync.read(after);
  if (a.width !== b.width || a.height !== b.height) return { visible: true, reason: `size ${a.width}×${a.height} → ${b.width}×${b.height}`, share: 1 };
  const differing = pixelmatch(a.data, b.data, undefined, a.width, a.height, { threshold: 0.1, includeAA: false });
  const share = differing / (a.width * a.height);
  return { visible: share > visibleShare, reason: `${(share * 100).toFixed(2)} % of the pixels differ`, share };
}

// Desktop packaging cannot run to the end here (Electron's binaries cannot be downloaded), so
// this checks what can be: electron-builder's own validator accepts the configuration, every
// platform has its target, and the icons exist, have the right sizes and match the SVG.
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILD, ICON_SVG, LINUX_SIZES, svgHash } from '../../scripts/make-icons';

const ROOT = path.resolve(__dirname, '..', '..');
const require = createRequire(path.join(ROOT, 'package.json'));
const config = JSON.parse(readFileSync(path.join(ROOT, 'electron-builder.json'), 'utf8'));
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const pngSize = (file: string) => {
  const b = readFileSync(file);
  expect(b.subarray(1, 4).toString()).toBe('PNG');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
};

async function validate(c: object): Promise<string | null> {
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
  const { DebugLogger } = require('builder-util/out/DebugLogger.js');
  return validateConfiguration(c, new DebugLogger(false)).then(
    () => null,
    (e: Error) => e.message,
  );
}

describe('packaging', () => {
  it('is a configuration electron-builder itself accepts (and it does reject a wrong one)', async () => {
    const { $schema: _ignored, ...c } = config;
    expect(await validate(c)).toBeNull();
    expect(await validate({ ...c, linux: { target: ['AppImage'], notAnOption: true } })).toMatch(/does not match the API schema/);
  });

  it('builds AppImage and deb, dmg, and an NSIS installer, from the built app', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(pkg.main).toMatch(/^out\/main\//);
    expect(config.files).toContain('out/**/*');
    expect(pkg.scripts.dist).toContain('electron-builder --config electron-builder.json');
    expect(pkg.devDependencies['electron-builder']).toMatch(/^\d/);
  });

  it('has icons made from assets/icon.svg by npm run icons, not stale', () => {
    expect(readFileSync(path.join(BUILD, 'icon-source.sha256'), 'utf8').split(' ')[0], 'run npm run icons').toBe(svgHash(readFileSync(ICON_SVG)));
    expect(pngSize(path.join(BUILD, 'icon.png'))).toEqual({ width: 1024, height: 1024 });
    for (const s of LINUX_SIZES) expect(pngSize(path.join(BUILD, 'icons', `${s}x${s}.png`))).toEqual({ width: s, height: s });
    const ico = readFileSync(path.join(BUILD, 'icon.ico'));
    expect(ico.readUInt16LE(0)).toBe(0);
    expect(ico.readUInt16LE(2)).toBe(1); // type 1: icon
    expect(ico.readUInt16LE(4)).toBe(7); // images inside
    for (const p of [config.icon, config.mac.icon, config.win.icon, config.linux.icon]) expect(existsSync(path.join(ROOT, p)), p).toBe(true);
  });
});

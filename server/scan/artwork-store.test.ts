import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import xxhash from 'xxhash-wasm';
import { afterEach, describe, expect, it } from 'vitest';
import { sniffImage } from '../web/bytes';
import { storeArtwork } from './artwork-store';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('storing cover art', () => {
  it('keeps JPEG, PNG and WebP as they are and stores anything else (GIF, SVG) as PNG, so only those three are ever served', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mismo-art-'));
    dirs.push(dataDir);
    const xx = await xxhash();
    const base = sharp({ create: { width: 32, height: 32, channels: 3, background: { r: 200, g: 40, b: 90 } } });
    const jpeg = await base.clone().jpeg().toBuffer();
    const gif = await base.clone().gif().toBuffer();
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8" onload="alert(1)"><rect width="8" height="8" fill="red"/></svg>');
    const kept = await storeArtwork(dataDir, { data: jpeg, mime: 'image/jpeg' }, xx);
    expect(kept?.mime).toBe('image/jpeg');
    expect(fs.readFileSync(path.join(dataDir, kept!.relPath)).equals(jpeg)).toBe(true);
    for (const [data, mime] of [
      [gif, 'image/gif'],
      [svg, 'image/svg+xml'],
    ] as const) {
      const stored = await storeArtwork(dataDir, { data, mime }, xx);
      expect(stored?.mime, mime).toBe('image/png');
      expect(sniffImage(fs.readFileSync(path.join(dataDir, stored!.relPath)).subarray(0, 12))).toBe('image/png');
    }
  });
});

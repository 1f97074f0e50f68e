import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { artworks } from '@/drizzle/schema';
import { createTestContext, type TestContext } from '../testing/create-test-context';
import { artworkResponse, sniffImage } from './bytes';
import type { WebRuntime } from './runtime';

let t: TestContext | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>');

function withArt(files: Record<string, { bytes: Buffer; mime: string }>) {
  t = createTestContext();
  const rt = { app: t.ctx, signingKey: Buffer.alloc(32, 7) } as unknown as WebRuntime;
  for (const [id, f] of Object.entries(files)) {
    const rel = path.join('artwork', id.slice(0, 2), `${id}.img`);
    fs.mkdirSync(path.join(t.ctx.env.dataDir, path.dirname(rel)), { recursive: true });
    fs.writeFileSync(path.join(t.ctx.env.dataDir, rel), f.bytes);
    t.db.insert(artworks).values({ id, mime: f.mime, sizeBytes: f.bytes.length, relPath: rel, createdAt: 1 }).run();
  }
  return rt;
}
const req = (id: string) => new Request(`http://127.0.0.1/api/artwork/${id}?size=full`);

describe('cover art bytes', () => {
  it('knows PNG, JPEG and WebP by their first bytes, and nothing else', () => {
    expect(sniffImage(PNG)).toBe('image/png');
    expect(sniffImage(Buffer.from('ffd8ffe000104a464946', 'hex'))).toBe('image/jpeg');
    expect(sniffImage(Buffer.from('RIFF\u0000\u0000\u0000\u0000WEBPVP8 ', 'latin1'))).toBe('image/webp');
    expect(sniffImage(SVG)).toBeNull();
    expect(sniffImage(Buffer.from('GIF89a'))).toBeNull();
    expect(sniffImage(Buffer.from('<html><script>'))).toBeNull();
  });

  it('serves a cover with the type its bytes say (never the stored one), and refuses SVG or anything else', async () => {
    const rt = withArt({ aaaaaaaaaaaaaaaa: { bytes: PNG, mime: 'text/html' }, bbbbbbbbbbbbbbbb: { bytes: SVG, mime: 'image/svg+xml' } });
    const png = artworkResponse(rt, req('aaaaaaaaaaaaaaaa'), 'aaaaaaaaaaaaaaaa', 'full');
    expect([png.status, png.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect(Buffer.from(await png.arrayBuffer()).equals(PNG)).toBe(true);
    const svg = artworkResponse(rt, req('bbbbbbbbbbbbbbbb'), 'bbbbbbbbbbbbbbbb', 'full');
    expect(svg.status).toBe(415);
    expect(await svg.text()).not.toContain('<svg');
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { artworks } from '@/drizzle/schema';
import { authenticateRequest, type WebRuntime } from './runtime';

/** 401 for byte routes when the request has no session or token. */
export function unauthorized(rt: Pick<WebRuntime, 'app' | 'signingKey'>, req: Request): Response | null {
  return authenticateRequest(rt, req.headers).ok ? null : Response.json({ error: 'Sign in first' }, { status: 401 });
}

/** The image type from the file's first bytes: only PNG, JPEG and WebP are ever served (never SVG or HTML). */
export function sniffImage(head: Buffer): 'image/png' | 'image/jpeg' | 'image/webp' | null {
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/**
 * Cover art by content id: the full image or the small thumbnail. Content-addressed, so browsers
 * may cache it for a year.
 */
export function artworkResponse(rt: WebRuntime, req: Request, id: string, size: string | null): Response {
  const denied = unauthorized(rt, req);
  if (denied) return denied;
  if (!/^[0-9a-f]{16}$/.test(id)) return Response.json({ error: 'Invalid artwork id' }, { status: 400 });
  const art = rt.app.db.select().from(artworks).where(eq(artworks.id, id)).get();
  if (!art) return Response.json({ error: 'Artwork not found' }, { status: 404 });
  const thumb = size !== 'full' && art.thumbRelPath;
  const rel = thumb ? art.thumbRelPath! : art.relPath;
  const file = path.join(rt.app.env.dataDir, rel);
  const etag = `"${id}-${thumb ? 't' : 'f'}"`;
  let st: fs.Stats;
  let type: ReturnType<typeof sniffImage>;
  try {
    st = fs.lstatSync(file);
    const head = Buffer.alloc(12);
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      type = sniffImage(head.subarray(0, fs.readSync(fd, head, 0, 12, 0)));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return Response.json({ error: 'Artwork file is gone' }, { status: 404 });
  }
  if (!st.isFile() || !type) return Response.json({ error: 'This cover is not a PNG, JPEG or WebP image, so it is not shown' }, { status: 415 });
  const headers = { 'cache-control': 'private, max-age=31536000, immutable', etag, 'content-type': type };
  if (req.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
  const stream = Readable.toWeb(fs.createReadStream('', { fd: fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW) })) as ReadableStream;
  return new Response(stream, { headers: { ...headers, 'content-length': String(st.size) } });
}

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
  const headers = { 'cache-control': 'private, max-age=31536000, immutable', etag, 'content-type': thumb ? 'image/webp' : art.mime };
  if (req.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return Response.json({ error: 'Artwork file is gone' }, { status: 404 });
  }
  const stream = Readable.toWeb(fs.createReadStream(file)) as ReadableStream;
  return new Response(stream, { headers: { ...headers, 'content-length': String(st.size) } });
}

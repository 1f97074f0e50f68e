import { eq } from 'drizzle-orm';
import { tracks } from '@/drizzle/schema';
import { waveformData } from '@/server/analysis/results';
import { unauthorized } from '@/server/web/bytes';
import { getWebRuntime } from '@/server/web/runtime';

export const dynamic = 'force-dynamic';

/**
 * One zoom level of a track's waveform as bytes: the bands back to back, one byte (0–255) per pixel
 * each; `x-bands` names them in order, `x-num-pixels` gives the length. `?kind=stems` for stems.
 */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const rt = getWebRuntime();
  const denied = unauthorized(rt, req);
  if (denied) return denied;
  const { id } = await params;
  const url = new URL(req.url);
  const zoom = Number(url.searchParams.get('zoom') ?? 0);
  const kind = url.searchParams.get('kind') ?? 'main';
  if (!Number.isInteger(zoom) || zoom < 0 || zoom > 2) return Response.json({ error: 'zoom must be 0, 1 or 2' }, { status: 400 });
  if (kind !== 'main' && kind !== 'stems') return Response.json({ error: 'kind must be main or stems' }, { status: 400 });
  const t = rt.app.db.select({ hash: tracks.audioHash }).from(tracks).where(eq(tracks.id, id)).get();
  if (!t?.hash) return Response.json({ error: 'Track not found or not hashed yet' }, { status: 404 });
  const w = waveformData(rt.app.db, t.hash, kind, zoom);
  if (!w) return Response.json({ error: 'Waveform not found' }, { status: 404 });
  return new Response(new Uint8Array(w.data), {
    headers: {
      'content-type': 'application/octet-stream',
      'x-bands': w.bands.join(','),
      'x-num-pixels': String(w.numPixels),
      'x-samples-per-pixel': String(w.samplesPerPixel ?? ''),
      // content-addressed by audio hash; a new analysis changes updatedAt
      etag: `"${t.hash}-${kind}-${zoom}-${w.updatedAt}"`,
      'cache-control': 'private, no-cache',
    },
  });
}

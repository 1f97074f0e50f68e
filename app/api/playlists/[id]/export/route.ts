import { DomainError } from '@/server/errors';
import { ExportOptions, exportPlaylist } from '@/server/playlists/exchange';
import { unauthorized } from '@/server/web/bytes';
import { getWebRuntime } from '@/server/web/runtime';

export const dynamic = 'force-dynamic';

/** A playlist as a file download: `?format=m3u8|json&paths=absolute|relative&relativeTo=/folder`. */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const rt = getWebRuntime();
  const denied = unauthorized(rt, req);
  if (denied) return denied;
  const { id } = await params;
  const q = new URL(req.url).searchParams;
  const opts = ExportOptions.safeParse({ format: q.get('format') ?? undefined, paths: q.get('paths') ?? undefined, relativeTo: q.get('relativeTo') ?? undefined });
  if (!opts.success) return Response.json({ error: opts.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }, { status: 400 });
  try {
    const file = exportPlaylist(rt.app.db, id, opts.data);
    return new Response(file.content, {
      headers: {
        'content-type': file.contentType,
        'content-disposition': `attachment; filename="${file.fileName.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
        'cache-control': 'no-store',
      },
    });
  } catch (e) {
    if (e instanceof DomainError) return Response.json({ error: e.message }, { status: e.code === 'NOT_FOUND' ? 404 : 400 });
    throw e;
  }
}

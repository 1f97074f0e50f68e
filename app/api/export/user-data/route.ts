import { exportUserData } from '@/server/ops/user-data';
import { unauthorized } from '@/server/web/bytes';
import { getWebRuntime } from '@/server/web/runtime';

export const dynamic = 'force-dynamic';

/** Ratings, cues, playlists and sessions as one JSON download. */
export function GET(req: Request) {
  const rt = getWebRuntime();
  const denied = unauthorized(rt, req);
  if (denied) return denied;
  const now = rt.app.clock.now();
  const body = JSON.stringify(exportUserData(rt.app.db.$client, now), null, 1);
  const day = new Date(now).toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="mismo-user-data-${day}.json"`,
      'cache-control': 'no-store',
    },
  });
}

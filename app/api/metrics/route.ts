import { collectMetrics } from '@/server/ops/metrics';
import { unauthorized } from '@/server/web/bytes';
import { getWebRuntime } from '@/server/web/runtime';

export const dynamic = 'force-dynamic';

/** Prometheus scrape target; needs the API token (Authorization: Bearer …) when auth is on. */
export function GET(req: Request) {
  const rt = getWebRuntime();
  const denied = unauthorized(rt, req);
  if (denied) return denied;
  return new Response(collectMetrics(rt.app, { sseClients: rt.hub.subscriberCount }), {
    headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' },
  });
}

import { healthReport } from '@/server/ops/health';
import { authenticateRequest, getWebRuntime } from '@/server/web/runtime';

export const dynamic = 'force-dynamic';

/**
 * Liveness for the launcher, systemd and monitors: 200 when the DB is reachable and current and the
 * worker beats, else 503. Without credentials only `{status}`; the report (versions, links, queues)
 * is for signed-in callers and tokens.
 */
export function GET(req: Request) {
  const rt = getWebRuntime();
  const report = healthReport(rt.app);
  const status = report.status === 'ok' ? 200 : 503;
  const body = authenticateRequest(rt, req.headers).ok ? report : { status: report.status };
  return Response.json(body, { status, headers: { 'cache-control': 'no-store' } });
}

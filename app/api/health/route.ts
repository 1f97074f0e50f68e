import { healthReport } from '@/server/ops/health';
import { getWebRuntime } from '@/server/web/runtime';

export const dynamic = 'force-dynamic';

/** Liveness for the launcher, systemd and monitors: 200 when the DB is reachable and current and the worker beats, else 503. */
export function GET() {
  const report = healthReport(getWebRuntime().app);
  return Response.json(report, { status: report.status === 'ok' ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}

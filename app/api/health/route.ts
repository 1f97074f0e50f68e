import { currentWorker } from '@/server/system/worker-status';
import { migrationStatus } from '@/server/db/migrate';
import { appVersion } from '@/server/version';
import { getWebRuntime } from '@/server/web/runtime';

export const dynamic = 'force-dynamic';

/** Liveness for the launcher, systemd and monitors: 200 when the DB is reachable and current and the worker beats. */
export function GET() {
  const rt = getWebRuntime();
  let db = { ok: true, pendingMigrations: [] as string[], error: null as string | null };
  try {
    rt.app.db.$client.prepare('SELECT 1').get();
    db.pendingMigrations = migrationStatus(rt.app.db.$client).pending;
  } catch (e) {
    db = { ok: false, pendingMigrations: [], error: e instanceof Error ? e.message : String(e) };
  }
  const worker = currentWorker(rt.app.db, rt.app.clock.now());
  const healthy = db.ok && db.pendingMigrations.length === 0 && worker.online;
  return Response.json(
    {
      status: healthy ? 'ok' : 'degraded',
      version: appVersion(),
      uptimeMs: Math.round(process.uptime() * 1000),
      db,
      worker: { online: worker.online, state: worker.state, heartbeatAgeMs: worker.heartbeatAgeMs },
    },
    { status: healthy ? 200 : 503, headers: { 'cache-control': 'no-store' } },
  );
}

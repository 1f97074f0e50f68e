import type { ComponentState } from '@/drizzle/schema';
import type { AppContext } from '../context';
import { migrationStatus } from '../db/migrate';
import { currentWorker } from '../system/worker-status';
import { appVersion } from '../version';

export interface LinkHealth {
  /** 'disabled' when not configured; otherwise what the worker last reported ('unknown' while it is offline). */
  state: string;
  detail?: string;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  uptimeMs: number;
  db: { ok: boolean; pendingMigrations: string[]; error: string | null };
  worker: { online: boolean; state: string; heartbeatAgeMs: number | null };
  analysis: LinkHealth;
  audioEngine: LinkHealth;
}

function link(configured: boolean, online: boolean, c: ComponentState | undefined): LinkHealth {
  if (!configured) return { state: 'disabled' };
  if (!online || !c) return { state: 'unknown' };
  return { state: c.state, ...(c.detail ? { detail: c.detail } : {}) };
}

/**
 * What `/api/health` answers: healthy (200) when the database is reachable and current and the
 * worker's heartbeat is fresh. The analysis servers and the engine are optional peers: their state
 * is reported but never makes the library unhealthy (it works without them).
 */
export function healthReport(app: Pick<AppContext, 'db' | 'clock' | 'env'>): HealthReport {
  let db: HealthReport['db'] = { ok: true, pendingMigrations: [], error: null };
  try {
    app.db.$client.prepare('SELECT 1').get();
    db.pendingMigrations = migrationStatus(app.db.$client).pending;
  } catch (e) {
    db = { ok: false, pendingMigrations: [], error: e instanceof Error ? e.message : String(e) };
  }
  const worker = db.ok ? currentWorker(app.db, app.clock.now()) : undefined;
  const online = worker?.online ?? false;
  const healthy = db.ok && db.pendingMigrations.length === 0 && online;
  return {
    status: healthy ? 'ok' : 'degraded',
    version: appVersion(),
    uptimeMs: Math.round(process.uptime() * 1000),
    db,
    worker: { online, state: worker?.state ?? 'offline', heartbeatAgeMs: worker?.heartbeatAgeMs ?? null },
    analysis: link(app.env.analysis.serverUrls.length > 0, online, worker?.components.analysis),
    audioEngine: link(Boolean(app.env.audioEngine.url), online, worker?.components.audioEngine),
  };
}

import { desc, eq } from 'drizzle-orm';
import { workerStatus, type ComponentState, type WorkerStatus } from '@/drizzle/schema';
import type { Executor } from '../db/client';

/** A heartbeat older than this means the worker is gone (it beats every couple of seconds). */
export const HEARTBEAT_STALE_MS = 6_000;

export function writeHeartbeat(ex: Executor, row: typeof workerStatus.$inferInsert) {
  ex.insert(workerStatus)
    .values(row)
    .onConflictDoUpdate({ target: workerStatus.id, set: { state: row.state, components: row.components, heartbeatAt: row.heartbeatAt } })
    .run();
}

export interface WorkerView {
  online: boolean;
  state: WorkerStatus['state'] | 'offline';
  heartbeatAgeMs: number | null;
  pid: number | null;
  version: string | null;
  startedAt: number | null;
  components: Record<string, ComponentState>;
}

/** The freshest worker's state, as the header and health checks show it. */
export function currentWorker(ex: Executor, now = Date.now(), staleMs = HEARTBEAT_STALE_MS): WorkerView {
  const row = ex.select().from(workerStatus).orderBy(desc(workerStatus.heartbeatAt)).limit(1).get();
  if (!row) return { online: false, state: 'offline', heartbeatAgeMs: null, pid: null, version: null, startedAt: null, components: {} };
  const age = now - row.heartbeatAt;
  const online = age <= staleMs && row.state !== 'stopped';
  return {
    online,
    state: online ? row.state : 'offline',
    heartbeatAgeMs: age,
    pid: row.pid,
    version: row.version,
    startedAt: row.startedAt,
    components: row.components,
  };
}

export function removeWorkerRow(ex: Executor, id: string) {
  ex.delete(workerStatus).where(eq(workerStatus.id, id)).run();
}

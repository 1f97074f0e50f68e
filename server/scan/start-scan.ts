import { and, eq, inArray } from 'drizzle-orm';
import { jobs, scans, type Job, type Scan } from '@/drizzle/schema';
import type { AppContext } from '../context';
import { writeTx } from '../db/tx';
import type { Tx } from '../db/client';
import { NotFoundError, PreconditionError } from '../errors';
import { enqueueJob } from '../jobs/queue';
import { PRIORITY } from '../jobs/catalogue';
import { directoryById } from '../folders/directories.repo';
import { assertRelPath } from '../folders/paths';
import { StartScanInput } from './schemas';

const PRIORITIES = { low: PRIORITY.low, normal: PRIORITY.normal, high: PRIORITY.user } as const;

export interface StartScanResult {
  scan: Scan;
  job: Job;
  /** false when a scan of this folder was already queued or running and is returned instead. */
  created: boolean;
}

/**
 * Queues a scan of a library folder (or of one folder inside it) as a worker job. A second
 * request while one is queued or running returns that one (raising its priority if needed).
 *
 * Scans the watcher asks for join a *queued* scan that covers their folder, but never a running
 * one: it may have walked past the change already, so a new scan is queued behind it. A scan that
 * met files still being written asks for its follow-up this way too, `delayMs` later.
 */
export function startScan(ctx: AppContext, raw: StartScanInput, trigger: Scan['trigger'] = 'user', tx?: Tx, opts: { delayMs?: number } = {}): StartScanResult {
  const input = StartScanInput.parse(raw);
  const relPath = assertRelPath(input.relPath ?? '', 'Folder');
  const strategy = input.strategy ?? ctx.settings.get('library.defaultScanStrategy');
  const priority = PRIORITIES[input.priority ?? (trigger === 'user' ? 'high' : 'normal')];
  const now = ctx.clock.now();
  const run = (t: Tx): StartScanResult => {
    const dir = directoryById(t, input.directoryId);
    if (!dir) throw new NotFoundError('library directory', input.directoryId);
    if (!dir.isActive) throw new PreconditionError(`"${dir.name}" is inactive; activate it to scan it`);
    if (!dir.isAvailable) throw new PreconditionError(`"${dir.name}" is offline; plug in its drive or check the folder`);
    if (trigger === 'watcher') return followUpScan(t, dir.id, relPath, strategy, priority, now, opts.delayMs ?? 0);
    const dedupeKey = relPath ? `scan:${dir.id}:${relPath}` : `scan:${dir.id}`;
    const active = t
      .select({ scan: scans, job: jobs })
      .from(scans)
      .innerJoin(jobs, eq(jobs.id, scans.jobId))
      .where(and(eq(jobs.dedupeKey, dedupeKey), inArray(jobs.status, ['queued', 'running'])))
      .get();
    if (active) {
      const { job } = enqueueJob(t, 'library.scan', { scanId: active.scan.id }, { priority, dedupeKey }, now);
      return { scan: active.scan, job, created: false };
    }
    const scan = t.insert(scans).values({ directoryId: dir.id, strategy, relPath, trigger, status: 'queued', createdAt: now }).returning().get();
    const { job } = enqueueJob(t, 'library.scan', { scanId: scan.id }, { priority, dedupeKey, maxAttempts: 3 }, now);
    const linked = t.update(scans).set({ jobId: job.id }).where(eq(scans.id, scan.id)).returning().get();
    return { scan: linked, job, created: true };
  };
  return tx ? run(tx) : writeTx(ctx.db, run);
}

function followUpScan(t: Tx, directoryId: string, relPath: string, strategy: Scan['strategy'], priority: number, now: number, delayMs: number): StartScanResult {
  const queued = t
    .select({ scan: scans, job: jobs })
    .from(scans)
    .innerJoin(jobs, eq(jobs.id, scans.jobId))
    .where(and(eq(scans.directoryId, directoryId), eq(jobs.status, 'queued'), eq(scans.status, 'queued'), eq(scans.strategy, strategy)))
    .all()
    .find((q) => q.scan.relPath === '' || relPath === q.scan.relPath || relPath.startsWith(`${q.scan.relPath}/`));
  if (queued) return { ...queued, created: false };
  const scan = t.insert(scans).values({ directoryId, strategy, relPath, trigger: 'watcher', status: 'queued', createdAt: now }).returning().get();
  const { job } = enqueueJob(t, 'library.scan', { scanId: scan.id }, { priority, dedupeKey: `scan:${directoryId}:watch:${scan.id}`, maxAttempts: 3, runAfter: now + delayMs }, now);
  const linked = t.update(scans).set({ jobId: job.id }).where(eq(scans.id, scan.id)).returning().get();
  return { scan: linked, job, created: true };
}

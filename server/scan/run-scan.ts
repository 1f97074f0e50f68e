import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { libraryDirectories, scans, type LibraryDirectory, type Scan } from '@/drizzle/schema';
import type { AppContext } from '../context';
import { optimizeQueryPlans } from '../db/client';
import { writeTx } from '../db/tx';
import { createCoalescer } from '../events/coalesce';
import { appendEvent } from '../events/outbox';
import { NotFoundError, RetryLaterError, errorMessage } from '../errors';
import { checkAvailability } from './availability';
import { commonFolder } from '../folders/paths';
import { loadExclusions, loadExisting, onlineAndSameVolume } from './phase-1-load';
import { walkAndDiff } from './phase-2-walk';
import { AnalysePipeline, followUp } from './phase-3-analyse';
import { ScanWriter } from './phase-4-write';
import { resolveMoves } from './phase-5-moves';
import { markVanished } from './phase-6-vanished';
import { refreshDuplicates } from './phase-7-duplicates';
import { emptyStats, type RunScanOptions, type ScanRun, type ScanStats } from './scan-types';

export type { RunScanOptions, ScanStats } from './scan-types';

/**
 * Runs one scan of a library folder (or of one folder inside it), as recorded in `scans`, phase by
 * phase (one file each; README.md in this folder draws the pipeline):
 *
 * 1. load — the folder is there and on the same drive; its tracks as the library holds them;
 * 2. walk and diff — files matching the folder's rules, compared by size and mtime;
 * 3. analyse — tags, audio hash, cover, integrity, in parallel off the main thread;
 * 4. write — in transactions of at most 20 rows, so readers (and the engine link) never wait long;
 * 5. moves — a new file whose audio hash belongs to a track whose file is gone takes over that
 *    track (same id, cues, playlists); when both files exist it is a duplicate instead;
 * 6. missing — files no longer found are marked missing, never deleted (skipped when cancelled);
 * 7. duplicates — groups refreshed for every audio hash the scan touched.
 *
 * Cancelling keeps what was committed (whole rows only) and marks nothing missing.
 */
export async function runScan(ctx: AppContext, scanId: number, opts: RunScanOptions): Promise<{ status: Scan['status']; stats: ScanStats; error: string | null }> {
  const scan = ctx.db.select().from(scans).where(eq(scans.id, scanId)).get();
  if (!scan) throw new NotFoundError('scan', scanId);
  const dir = ctx.db.select().from(libraryDirectories).where(eq(libraryDirectories.id, scan.directoryId)).get();
  if (!dir) throw new NotFoundError('library directory', scan.directoryId);
  const started = ctx.clock.now();
  acquire(ctx, scan, dir, started);
  scan.startedAt = started; // as acquire recorded it: finish() counts the scan's time from here
  const stats = emptyStats();
  const progress = progressReporter(ctx, scan, dir, stats, opts.onProgress);
  const run: ScanRun = {
    ctx,
    log: ctx.log.child({ module: 'scan', scanId }),
    scan,
    dir,
    scope: scan.relPath,
    stats,
    scanner: opts.scanner,
    signal: opts.signal,
    tick: progress.tick,
  };
  try {
    return await phases(run);
  } catch (e) {
    if (e instanceof RetryLaterError) throw e;
    run.log.error({ err: e }, 'scan failed');
    finish(ctx, scan, dir, 'failed', stats, errorMessage(e));
    throw e;
  } finally {
    progress.cancel();
  }
}

/** The phases in order, and the ways a scan ends early (offline, cancelled). */
async function phases(run: ScanRun) {
  const { ctx, scan, dir, stats, signal } = run;
  if (!(await onlineAndSameVolume(ctx, dir))) {
    await checkAvailability(ctx, dir.id);
    return finish(ctx, scan, dir, 'failed', stats, 'The folder is offline (drive unplugged or folder removed); nothing was marked missing.');
  }
  run.tick('loading');
  const existing = await loadExisting(ctx, dir.id, run.scope);
  const writer = new ScanWriter(ctx, dir, scan.id, stats, existing);
  const pipeline = new AnalysePipeline(run, writer);

  run.tick('walking');
  const { seen, issues } = await walkAndDiff(run, existing, loadExclusions(ctx, dir.id), pipeline, writer);
  if (!signal.aborted) run.tick('reading');
  await pipeline.drain();
  if (signal.aborted) {
    await pipeline.settle();
    writer.flush();
    return finish(ctx, scan, dir, 'cancelled', stats, null);
  }
  writer.flush();

  run.tick('resolving');
  await resolveMoves(writer, seen, existing);

  run.tick('missing');
  if (stats.found === 0 && [...existing.values()].some((e) => !e.isMissing) && !(await onlineAndSameVolume(ctx, dir))) {
    await checkAvailability(ctx, dir.id);
    return finish(ctx, scan, dir, 'failed', stats, 'The folder went offline during the scan; nothing was marked missing.');
  }
  if (issues.length) ctx.db.update(scans).set({ issues }).where(eq(scans.id, scan.id)).run();
  // a folder that could not be read is not evidence that its files are gone
  await markVanished(writer, existing, seen, run.scope, issues);

  run.tick('duplicates');
  await refreshDuplicates(writer);
  if (pipeline.changing.length) followUp(ctx, dir, commonFolder(pipeline.changing.map((p) => path.posix.dirname(p)).map((d) => (d === '.' ? '' : d))));
  // a scan may add or remove a whole drive's worth of tracks: the planner's statistics follow
  optimizeQueryPlans(ctx.db);
  return finish(ctx, scan, dir, 'completed', stats, null);
}

/** Progress in the scan's row and as events, at most every 250 ms, with an estimate of the time left. */
function progressReporter(ctx: AppContext, scan: Scan, dir: LibraryDirectory, stats: ScanStats, onProgress: RunScanOptions['onProgress']) {
  const started = scan.startedAt ?? ctx.clock.now();
  let phase = 'walking';
  const progress = createCoalescer<null, null>({
    intervalMs: 250,
    initial: () => null,
    merge: () => null,
    flush: () => {
      stats.elapsedMs = ctx.clock.now() - started;
      const rate = stats.processed / Math.max(1, stats.elapsedMs);
      stats.etaMs = rate > 0 ? Math.round((stats.toProcess - stats.processed) / rate) : 0;
      writeTx(ctx.db, (tx) => {
        tx.update(scans)
          .set({ phase, stats: { ...stats } })
          .where(eq(scans.id, scan.id))
          .run();
        appendEvent(tx, 'library:directory:scan:progress', { directoryId: dir.id, scanId: scan.id, phase, stats: { ...stats } }, ctx.clock.now());
      });
      onProgress?.({ ...stats }, phase);
    },
  });
  return {
    tick: (p?: string) => {
      if (p) phase = p;
      progress.push(null);
    },
    cancel: () => progress.cancel(),
  };
}

/**
 * Marks the scan running, unless another scan of the same folder is running: scans of one folder
 * never overlap (the caller's job is rescheduled without spending an attempt).
 */
function acquire(ctx: AppContext, scan: Scan, dir: LibraryDirectory, now: number) {
  writeTx(ctx.db, (tx) => {
    const other = tx
      .select({ id: scans.id })
      .from(scans)
      .where(
        and(
          eq(scans.directoryId, dir.id),
          eq(scans.status, 'running'),
          sql`${scans.id} != ${scan.id}`,
          sql`exists (select 1 from jobs j where j.id = ${scans.jobId} and j.status = 'running')`,
        ),
      )
      .get();
    if (other) throw new RetryLaterError(2_000, `another scan of "${dir.name}" is running`);
    tx.update(scans).set({ status: 'running', phase: 'starting', startedAt: now, error: null }).where(eq(scans.id, scan.id)).run();
    tx.update(libraryDirectories).set({ scanStatus: 'scanning', updatedAt: now }).where(eq(libraryDirectories.id, dir.id)).run();
    appendEvent(tx, 'library:directory:scan:started', { directoryId: dir.id, scanId: scan.id, jobId: scan.jobId, strategy: scan.strategy, relPath: scan.relPath }, now);
  });
}

function finish(ctx: AppContext, scan: Scan, dir: LibraryDirectory, status: Scan['status'], stats: ScanStats, error: string | null) {
  const now = ctx.clock.now();
  stats.elapsedMs = now - (scan.startedAt ?? now);
  stats.etaMs = 0;
  writeTx(ctx.db, (tx) => {
    tx.update(scans)
      .set({ status, phase: status, stats: { ...stats }, error, finishedAt: now })
      .where(eq(scans.id, scan.id))
      .run();
    tx.update(libraryDirectories)
      .set({ scanStatus: status === 'failed' ? 'error' : 'idle', ...(status === 'completed' ? { lastScanAt: now, lastScanId: scan.id } : {}), updatedAt: now })
      .where(eq(libraryDirectories.id, dir.id))
      .run();
    appendEvent(tx, 'library:directory:scan:complete', { directoryId: dir.id, scanId: scan.id, status, stats: { ...stats } }, now);
  });
  ctx.log.child({ module: 'scan' }).info({ scanId: scan.id, directory: dir.name, status, stats, error }, 'scan finished');
  return { status, stats, error };
}

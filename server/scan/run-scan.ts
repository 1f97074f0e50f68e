import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { fileOperations, libraryDirectories, scans, tracks, type LibraryDirectory, type Scan } from '@/drizzle/schema';
import type { AppContext } from '../context';
import { writeTx } from '../db/tx';
import { optimizeQueryPlans, type Executor } from '../db/client';
import { pacer } from '../db/slices';
import { appendEvent } from '../events/outbox';
import { createCoalescer } from '../events/coalesce';
import { NotFoundError, RetryLaterError, errorMessage } from '../errors';
import { checkAvailability, sameVolume } from '../library/check-availability';
import { commonFolder } from '../library/paths';
import { refreshDuplicateGroups } from '../duplicates/groups';
import type { FileAnalysis } from './analyze-file';
import type { ScannerPort } from './scanner-port';
import { FastRows } from '../db/fast-rows';
import { analysisColumns, effectiveColumns, quickColumns, upsertArtwork, type AnalysisFacts } from './track-rows';
import { removeTracksTx } from '../tracks/remove-tracks';
import { isWalkIssue, type WalkFile } from './walk';
import { startScan } from './start-scan';
import { markMissingTx } from '../tracks/mark-missing';

export interface ScanStats {
  found: number;
  toProcess: number;
  processed: number;
  added: number;
  updated: number;
  unchanged: number;
  moved: number;
  restored: number;
  missing: number;
  broken: number;
  /** Rows of broken files that vanished with nothing attached: removed rather than left missing. */
  removed: number;
  /** Files still being written: left for the watcher's settle and a follow-up scan. */
  changing: number;
  duplicates: number;
  bytesHashed: number;
  issues: number;
  etaMs: number;
  elapsedMs: number;
  [k: string]: number;
}

export interface RunScanOptions {
  scanner: ScannerPort;
  signal: AbortSignal;
  /** Called (throttled) as the scan advances; the worker forwards it to the job's progress. */
  onProgress?: (stats: ScanStats, phase: string) => void;
}

interface Existing {
  id: string;
  sizeBytes: number;
  mtimeMs: number;
  audioHash: string | null;
  isMissing: boolean;
  isBroken: boolean;
  inode: number | null;
}

type WorkKind = 'new' | 'changed';
interface WorkItem {
  entry: WalkFile;
  kind: WorkKind;
  /** The row this file updates: an existing track, or a fast scan's quick registration. */
  trackId?: string;
  /** A broken row of this folder whose file this is, renamed once it was whole (same inode). */
  brokenFrom?: string;
}
interface Result extends WorkItem {
  analysis: FileAnalysis;
}

// Rows per write transaction: small enough that one write (tracks, FTS and a dozen indexes) stays
// well under the 20 ms main-loop budget; 50 measured p99 lag 22 ms, 20 measured 16 ms, same speed.
const FLUSH_ROWS = 20;
const FLUSH_MS = 250;
/** Rows of the folder read per page when a scan starts (500: ~5 ms idle, ~20 ms on a busy machine). */
const LOAD_ROWS = 500;
/** Vanished files marked missing per transaction (a lookup per row, an update, an event). */
const VANISH_ROWS = 200;
/** Audio hashes whose duplicate groups are refreshed per transaction. */
const DUPLICATE_HASHES = 100;
/**
 * A file that reads as cut short and was written less than this long ago may still be arriving
 * (a copy in progress): it is looked at again once it has been quiet this long, as the watcher's
 * settle does, before it is recorded as broken.
 */
const SETTLE_MS = 2_000;
/** A file that changed while it was read is left for a scan of its folder this much later. */
const FOLLOW_UP_MS = 5_000;

const emptyStats = (): ScanStats => ({
  found: 0,
  toProcess: 0,
  processed: 0,
  added: 0,
  updated: 0,
  unchanged: 0,
  moved: 0,
  restored: 0,
  missing: 0,
  broken: 0,
  removed: 0,
  changing: 0,
  duplicates: 0,
  bytesHashed: 0,
  issues: 0,
  etaMs: 0,
  elapsedMs: 0,
});

/** `rel` is `scope` or lies below it. */
const inScope = (scope: string, rel: string) => scope === '' || rel === scope || rel.startsWith(`${scope}/`);

/**
 * Runs one scan of a library folder (or of one folder inside it), as recorded in `scans`:
 *
 * 1. walk — files matching the folder's rules, on the scanner's thread;
 * 2. diff — by size and mtime against the database: unchanged files are skipped (hybrid),
 *    everything is re-read (full), or new files are registered at once from their names (fast);
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
  const { db, clock } = ctx;
  const log = ctx.log.child({ module: 'scan', scanId });
  const scan = db.select().from(scans).where(eq(scans.id, scanId)).get();
  if (!scan) throw new NotFoundError('scan', scanId);
  const dir = db.select().from(libraryDirectories).where(eq(libraryDirectories.id, scan.directoryId)).get();
  if (!dir) throw new NotFoundError('library directory', scan.directoryId);
  const started = clock.now();
  const stats = emptyStats();
  const scope = scan.relPath;

  acquire(ctx, scan, dir, started);
  scan.startedAt = started; // as acquire recorded it: finish() counts the scan's time from here
  let phase = 'walking';
  const progress = createCoalescer<null, null>({
    intervalMs: 250,
    initial: () => null,
    merge: () => null,
    flush: () => {
      stats.elapsedMs = clock.now() - started;
      const rate = stats.processed / Math.max(1, stats.elapsedMs);
      stats.etaMs = rate > 0 ? Math.round((stats.toProcess - stats.processed) / rate) : 0;
      writeTx(db, (tx) => {
        tx.update(scans)
          .set({ phase, stats: { ...stats } })
          .where(eq(scans.id, scanId))
          .run();
        appendEvent(tx, 'library:directory:scan:progress', { directoryId: dir.id, scanId, phase, stats: { ...stats } }, clock.now());
      });
      opts.onProgress?.({ ...stats }, phase);
    },
  });
  const tick = (p?: string) => {
    if (p) phase = p;
    progress.push(null);
  };

  try {
    if (!(await onlineAndSameVolume(ctx, dir))) {
      await checkAvailability(ctx, dir.id);
      return finish(ctx, scan, dir, 'failed', stats, 'The folder is offline (drive unplugged or folder removed); nothing was marked missing.');
    }
    tick('loading');
    const existing = await loadExisting(ctx, dir.id, scope);
    const excluded = new Set(
      (db.$client.prepare('SELECT rel_path AS relPath FROM track_exclusions WHERE directory_id = ?').all(dir.id) as { relPath: string }[]).map((r) => r.relPath),
    );
    const seen = new Set<string>();
    const issues: { relPath: string; problem: string }[] = [];
    const writer = new ScanWriter(ctx, dir, scanId, stats, scan.strategy, existing);
    const timeoutMs = ctx.settings.get('library.perFileTimeoutMs');
    const inFlight = new Set<Promise<void>>();
    const maxInFlight = Math.max(2, opts.scanner.parallelism * 2);
    const changing: string[] = [];
    const run = (item: WorkItem) => {
      const absPath = path.join(dir.path, item.entry.relPath);
      const p = opts.scanner
        .analyze({ absPath, relPath: item.entry.relPath, dataDir: ctx.env.dataDir }, { timeoutMs, signal: opts.signal })
        .then(async (analysis) => {
          if (opts.signal.aborted) return;
          stats.processed++;
          stats.bytesHashed += analysis.hash.bytesRead;
          if (await stillBeingWritten(absPath, item.entry, analysis, opts.signal)) {
            // what was read is not the file: its row (if any) stays as it was, and it is not missing
            stats.changing++;
            changing.push(item.entry.relPath);
            log.info({ relPath: item.entry.relPath }, 'file still being written; left for a later scan');
          } else if (!opts.signal.aborted) writer.add({ ...item, analysis });
          tick();
        })
        .catch((e: unknown) => {
          if (!opts.signal.aborted) log.warn({ err: e, relPath: item.entry.relPath }, 'file analysis failed');
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    };
    const queue: WorkItem[] = [];
    const pump = async () => {
      while (queue.length && inFlight.size < maxInFlight && !opts.signal.aborted) run(queue.shift()!);
      if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    };

    tick('walking');
    const walker = opts.scanner.walk(
      {
        root: dir.path,
        relPath: scope || undefined,
        includePatterns: dir.includePatterns,
        excludePatterns: dir.excludePatterns,
        maxDepth: dir.maxDepth,
        followSymlinks: dir.followSymlinks,
      },
      opts.signal,
    );
    for await (const batch of walker) {
      if (opts.signal.aborted) break;
      const quick: WalkFile[] = [];
      for (const item of batch) {
        if (isWalkIssue(item)) {
          stats.issues++;
          if (issues.length < 100) issues.push(item);
          log.warn({ relPath: item.relPath, problem: item.problem }, 'walk issue');
          continue;
        }
        if (excluded.has(item.relPath)) continue; // removed from the library by the user
        stats.found++;
        seen.add(item.relPath);
        const ex = existing.get(item.relPath);
        if (!ex) {
          if (scan.strategy === 'fast') quick.push(item);
          else queue.push({ entry: item, kind: 'new' });
        } else if (scan.strategy === 'full' || ex.sizeBytes !== item.sizeBytes || ex.mtimeMs !== item.mtimeMs || (!ex.audioHash && !ex.isBroken)) {
          queue.push({ entry: item, kind: 'changed', trackId: ex.id });
        } else if (ex.isMissing) {
          writer.restore(ex.id, item);
        } else stats.unchanged++;
      }
      if (quick.length) for (const { entry, trackId } of writer.registerQuick(quick)) queue.push({ entry, kind: 'new', trackId });
      stats.toProcess = stats.processed + queue.length + inFlight.size;
      tick();
      // keep the pipeline busy while walking, without letting the queue balloon
      while (queue.length > maxInFlight * 4 && !opts.signal.aborted) await pump();
      if (queue.length) await pump();
    }
    if (!opts.signal.aborted) tick('reading');
    while ((queue.length || inFlight.size) && !opts.signal.aborted) {
      await pump();
      if (!queue.length && inFlight.size) await Promise.race(inFlight);
    }
    if (opts.signal.aborted) {
      await Promise.allSettled([...inFlight]);
      writer.flush();
      return finish(ctx, scan, dir, 'cancelled', stats, null);
    }
    writer.flush();
    tick('resolving');
    await writer.resolveDeferred(seen, existing);
    tick('missing');
    if (stats.found === 0 && [...existing.values()].some((e) => !e.isMissing) && !(await onlineAndSameVolume(ctx, dir))) {
      await checkAvailability(ctx, dir.id);
      return finish(ctx, scan, dir, 'failed', stats, 'The folder went offline during the scan; nothing was marked missing.');
    }
    if (issues.length) db.update(scans).set({ issues }).where(eq(scans.id, scanId)).run();
    // a folder that could not be read is not evidence that its files are gone
    await writer.markVanished(existing, seen, scope, issues);
    tick('duplicates');
    await writer.refreshDuplicates();
    if (changing.length) followUp(ctx, dir, commonFolder(changing.map((p) => path.posix.dirname(p)).map((d) => (d === '.' ? '' : d))));
    // a scan may add or remove a whole drive's worth of tracks: the planner's statistics follow
    optimizeQueryPlans(db);
    return finish(ctx, scan, dir, 'completed', stats, null);
  } catch (e) {
    if (e instanceof RetryLaterError) throw e;
    log.error({ err: e }, 'scan failed');
    finish(ctx, scan, dir, 'failed', stats, errorMessage(e));
    throw e;
  } finally {
    progress.cancel();
  }
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

/**
 * A file is still being written (copied in, downloaded) when it changed while it was read, or
 * when it reads as cut short, was written moments ago, and changes within the settle time.
 */
async function stillBeingWritten(absPath: string, entry: WalkFile, analysis: FileAnalysis, signal: AbortSignal): Promise<boolean> {
  const look = () =>
    fs.stat(absPath).then(
      (st) => ({ sizeBytes: st.size, mtimeMs: Math.floor(st.mtimeMs) }),
      () => null,
    );
  const same = (st: { sizeBytes: number; mtimeMs: number } | null | undefined) => !!st && st.sizeBytes === entry.sizeBytes && st.mtimeMs === entry.mtimeMs;
  // the reading thread looked just after reading; a look from here only when it could not say
  const after = analysis.after ?? (await look());
  if (!same(after)) return true;
  // file times are wall-clock times, whatever clock the app runs on
  const quietFor = Date.now() - after!.mtimeMs;
  if (analysis.broken === null || quietFor >= SETTLE_MS) return false;
  try {
    await sleep(Math.min(SETTLE_MS, SETTLE_MS - quietFor), undefined, { signal });
  } catch {
    return true; // cancelled: nothing more is written anyway
  }
  return !same(await look());
}

/** Files were still being written: a change scan of their folder a little later picks them up. */
function followUp(ctx: AppContext, dir: LibraryDirectory, relPath: string) {
  try {
    startScan(ctx, { directoryId: dir.id, relPath, strategy: 'hybrid', priority: 'normal' }, 'watcher', undefined, { delayMs: FOLLOW_UP_MS });
  } catch (e) {
    // the folder went offline or inactive meanwhile: its next scan takes it from here
    ctx.log.warn({ err: e, directoryId: dir.id, relPath }, 'could not queue a follow-up scan');
  }
}

async function onlineAndSameVolume(ctx: AppContext, dir: LibraryDirectory): Promise<boolean> {
  try {
    if (!(await fs.stat(dir.path)).isDirectory()) return false;
    return sameVolume(dir, ctx.ports.volumes.identify(dir.path));
  } catch {
    return false;
  }
}

/** Tracks of the folder (within the scope): one indexed read (~15 ms for 20,000 tracks). */
async function loadExisting(ctx: AppContext, directoryId: string, scope: string): Promise<Map<string, Existing & { relPath: string }>> {
  const out = new Map<string, Existing & { relPath: string }>();
  // raw statement: Drizzle's row mapping costs more than the read itself at this volume; a page of
  // the folder at a time, with other work let in between (100,000 rows at once held the worker ~1 s)
  const page = ctx.db.$client.prepare(
    // in the order of the (directory_id, rel_path) index: each slice is a range of it, never a sort
    'SELECT id, rel_path AS relPath, size_bytes AS sizeBytes, mtime_ms AS mtimeMs, audio_hash AS audioHash, is_missing AS isMissing, is_broken AS isBroken, inode FROM tracks WHERE directory_id = ? AND rel_path > ? ORDER BY rel_path LIMIT ?',
  );
  const pace = pacer();
  for (let after = ''; ; await pace()) {
    const rows = page.all(directoryId, after, LOAD_ROWS) as (Omit<Existing, 'isMissing' | 'isBroken'> & { relPath: string; isMissing: number; isBroken: number })[];
    for (const r of rows)
      if (inScope(scope, r.relPath))
        out.set(r.relPath, {
          id: r.id,
          relPath: r.relPath,
          sizeBytes: r.sizeBytes,
          mtimeMs: r.mtimeMs,
          audioHash: r.audioHash,
          isMissing: r.isMissing === 1,
          isBroken: r.isBroken === 1,
          inode: r.inode,
        });
    if (rows.length < LOAD_ROWS) return out;
    after = rows.at(-1)!.relPath;
  }
}

/**
 * Buffers analysis results and writes them in short transactions; decides moves versus
 * duplicates; marks vanished files missing; refreshes duplicate groups for touched hashes.
 */
class ScanWriter {
  private pending: Result[] = [];
  private deferred: Result[] = [];
  private touched = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private fast: FastRows;
  private lookup: (hash: string) => AnalysisFacts | undefined;
  /** Broken rows of the folder by inode: a half-written file renamed once whole is still that track. */
  private readonly brokenByInode = new Map<number, Existing & { relPath: string }>();
  private ownedCache: { key: string; paths: Set<string> } | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly dir: LibraryDirectory,
    private readonly scanId: number,
    private readonly stats: ScanStats,
    private readonly strategy: Scan['strategy'],
    existing: Map<string, Existing & { relPath: string }>,
  ) {
    for (const e of existing.values()) if (e.isBroken && e.inode) this.brokenByInode.set(e.inode, e);
    this.fast = new FastRows(ctx.db);
    this.lookup = (hash) =>
      this.fast.get<AnalysisFacts>(
        'analysis-facts',
        'SELECT bpm, key_pitch AS keyPitch, key_mode AS keyMode, basic_at AS basicAt, analyzer, bpm_confidence AS bpmConfidence, key_confidence AS keyConfidence FROM audio_analysis WHERE audio_hash = ?',
        hash,
      );
  }

  private overridesOf(id: string) {
    return this.fast.get<{ bpm: number | null; keyPitch: number | null; keyMode: number | null; audioHash: string | null; editedFields: string }>(
      'overrides',
      'SELECT bpm_override AS bpm, key_pitch_override AS keyPitch, key_mode_override AS keyMode, audio_hash AS audioHash, edited_fields AS editedFields FROM tracks WHERE id = ?',
      id,
    );
  }

  /** The track at a path of this folder now (a file operation may have put one there meanwhile). */
  private rowAt(relPath: string): string | undefined {
    return this.fast.get<{ id: string }>('row-at', 'SELECT id FROM tracks WHERE directory_id = ? AND rel_path = ?', this.dir.id, relPath)?.id;
  }

  /**
   * Paths of this folder that an unfinished journaled file operation owns (its source and its
   * destination). The journal records what becomes of them when the operation ends, so the scan
   * neither records, nor moves, nor marks missing what it finds there. Asked inside each write
   * transaction (scans and file operations share the worker's one connection, so the answer holds
   * for that write); the set is read again only when the unfinished operations changed: their
   * count and highest id say so (ids are never reused, so an operation that started raises the
   * highest and one that ended lowers the count) — a batch of 10,000 pending moves is not re-read
   * for every 20 rows the scan writes.
   */
  private owned(tx: Executor): Set<string> {
    const unfinished = inArray(fileOperations.status, ['pending', 'in_progress']);
    const now = tx
      .select({ n: sql<number>`count(*)`, last: sql<number | null>`max(${fileOperations.id})` })
      .from(fileOperations)
      .where(unfinished)
      .get()!;
    const key = `${now.n}:${now.last}`;
    if (this.ownedCache?.key === key) return this.ownedCache.paths;
    const ops = tx
      .select({ src: fileOperations.srcPath, dst: fileOperations.dstPath, srcDir: fileOperations.srcDirectoryId, dstDir: fileOperations.dstDirectoryId })
      .from(fileOperations)
      .where(and(unfinished, or(eq(fileOperations.srcDirectoryId, this.dir.id), eq(fileOperations.dstDirectoryId, this.dir.id))))
      .all();
    const paths = new Set<string>();
    const add = (abs: string | null, directoryId: string | null) => {
      if (!abs || directoryId !== this.dir.id) return;
      const rel = path.relative(this.dir.path, abs);
      if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) paths.add(rel.split(path.sep).join('/'));
    };
    for (const o of ops) {
      add(o.src, o.srcDir);
      add(o.dst, o.dstDir);
    }
    this.ownedCache = { key, paths };
    return paths;
  }

  add(r: Result) {
    this.pending.push(r);
    if (this.pending.length >= FLUSH_ROWS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Fast scan, first phase: a row per new file from its path alone, shown at once. */
  registerQuick(entries: WalkFile[]): { entry: WalkFile; trackId: string }[] {
    const now = this.ctx.clock.now();
    const out: { entry: WalkFile; trackId: string }[] = [];
    for (let i = 0; i < entries.length; i += FLUSH_ROWS) {
      const slice = entries.slice(i, i + FLUSH_ROWS);
      writeTx(this.ctx.db, (tx) => {
        const ids: string[] = [];
        const owned = this.owned(tx);
        for (const entry of slice) {
          if (owned.has(entry.relPath)) continue;
          // a row put at the path since the scan loaded the folder (a file operation ended) is this file's
          const at = this.rowAt(entry.relPath);
          if (at) {
            out.push({ entry, trackId: at });
            continue;
          }
          const id = crypto.randomUUID();
          this.fast.insert(tracks, Object.assign(quickColumns(entry, now), { id, directoryId: this.dir.id, dateAdded: now, createdAt: now, lastScanId: this.scanId }));
          ids.push(id);
          out.push({ entry, trackId: id });
        }
        this.stats.added += ids.length;
        if (ids.length) appendEvent(tx, 'track:added', { trackIds: ids, directoryId: this.dir.id }, now);
      });
    }
    return out;
  }

  private restores: { id: string; entry: WalkFile }[] = [];

  /** An unchanged file that was missing is back (e.g. its drive was plugged in again). */
  restore(id: string, entry: WalkFile) {
    this.restores.push({ id, entry });
    if (this.restores.length >= 500) this.flushRestores();
  }

  private flushRestores() {
    if (this.restores.length === 0) return;
    const batch = this.restores;
    this.restores = [];
    const now = this.ctx.clock.now();
    writeTx(this.ctx.db, (tx) => {
      for (const { id, entry } of batch) {
        tx.update(tracks)
          .set({ isMissing: false, missingSince: null, missingReason: null, mtimeMs: entry.mtimeMs, inode: entry.inode, updatedAt: now })
          .where(eq(tracks.id, id))
          .run();
      }
      appendEvent(tx, 'track:restored', { trackIds: batch.map((r) => r.id), directoryId: this.dir.id }, now);
    });
    this.stats.restored += batch.length;
    for (const r of batch) this.restoredIds.add(r.id);
  }

  /** Restored tracks' hashes count as touched (they may rejoin a duplicate group). */
  private restoredIds = new Set<string>();

  flush() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flushRestores();
    if (this.pending.length === 0) return;
    const all = this.pending;
    this.pending = [];
    const now = this.ctx.clock.now();
    const started = performance.now();
    writeTx(this.ctx.db, (tx) => {
      const owned = this.owned(tx);
      const batch = all.filter((r) => !owned.has(r.entry.relPath));
      if (batch.length < all.length) this.ctx.log.debug({ module: 'scan', files: all.length - batch.length }, 'files a file operation is working on were left to it');
      // a row already at the path is this file's, whoever put it there
      for (const r of batch) r.trackId ??= this.rowAt(r.entry.relPath);
      const added: string[] = [];
      const updated: string[] = [];
      const hashes = [...new Set(batch.filter((r) => r.kind === 'new' && r.analysis.hash.audioHash && !r.analysis.broken).map((r) => r.analysis.hash.audioHash))];
      const known = new Set(
        hashes.length
          ? tx
              .select({ audioHash: tracks.audioHash, id: tracks.id })
              .from(tracks)
              .where(inArray(tracks.audioHash, hashes))
              .all()
              .filter((t) => !batch.some((r) => r.trackId === t.id))
              .map((t) => t.audioHash)
          : [],
      );
      for (const r of batch) {
        const a = r.analysis;
        upsertArtwork(this.fast, a.artwork, now);
        if (a.broken) this.stats.broken++;
        // audio we already know (moved here, or a copy), or a broken file renamed once whole:
        // decided once the whole folder was walked
        if (r.kind === 'new' && !r.trackId && !a.broken && r.entry.inode) {
          const b = this.brokenByInode.get(r.entry.inode);
          if (b && b.relPath !== r.entry.relPath) r.brokenFrom = b.id;
        }
        if (r.kind === 'new' && a.hash.audioHash && !a.broken && (known.has(a.hash.audioHash) || r.brokenFrom)) {
          this.deferred.push(r);
          continue;
        }
        const cols = analysisColumns(r.entry, a, now);
        if (r.trackId) {
          const before = this.overridesOf(r.trackId);
          if (!before) continue;
          // fields the user edited in the library keep the user's value
          if (before.editedFields !== '[]') for (const k of JSON.parse(before.editedFields) as string[]) delete (cols as Record<string, unknown>)[k];
          const eff = effectiveColumns(this.lookup, cols, before);
          this.fast.update(tracks, 'id', r.trackId, Object.assign(cols, eff, { isMissing: false, missingSince: null, missingReason: null, lastScanId: this.scanId }));
          if (before.audioHash) this.touched.add(before.audioHash);
          if (r.kind === 'changed') {
            updated.push(r.trackId);
            this.stats.updated++;
          }
        } else {
          const id = crypto.randomUUID();
          this.fast.insert(
            tracks,
            Object.assign(cols, effectiveColumns(this.lookup, cols), { id, directoryId: this.dir.id, dateAdded: now, createdAt: now, lastScanId: this.scanId }),
          );
          added.push(id);
          this.stats.added++;
        }
        if (cols.audioHash) this.touched.add(cols.audioHash);
      }
      if (added.length) appendEvent(tx, 'track:added', { trackIds: added, directoryId: this.dir.id }, now);
      const fastCompleted = batch.filter((r) => r.kind === 'new' && r.trackId).map((r) => r.trackId!);
      if (updated.length || fastCompleted.length) appendEvent(tx, 'track:updated', { trackIds: [...updated, ...fastCompleted], fields: ['tags', 'file'] }, now);
    });
    const ms = performance.now() - started;
    if (ms > 15) this.ctx.log.debug({ module: 'scan', rows: all.length, ms: Math.round(ms) }, 'slow scan write');
  }

  /**
   * New files whose audio the library already knows: if a track with that audio has lost its
   * file (missing, vanished in this walk, or gone from another folder), the new file is that
   * track, moved; otherwise it is a duplicate and gets its own row.
   */
  async resolveDeferred(seen: Set<string>, existing: Map<string, Existing & { relPath: string }>) {
    if (this.deferred.length === 0) return;
    const dirs = new Map(
      this.ctx.db
        .select()
        .from(libraryDirectories)
        .all()
        .map((d) => [d.id, d]),
    );
    const claimed = new Set<string>();
    type Place = { id: string; directoryId: string | null; relPath: string };
    const decisions: { r: Result; moveFrom?: Place }[] = [];
    const pace = pacer();
    for (const r of this.deferred) {
      await pace();
      // a broken row whose file vanished while a whole file with its inode appeared: renamed
      const b = r.brokenFrom ? this.brokenByInode.get(r.entry.inode) : undefined;
      if (b && !claimed.has(b.id) && !seen.has(b.relPath)) {
        claimed.add(b.id);
        decisions.push({ r, moveFrom: { id: b.id, directoryId: this.dir.id, relPath: b.relPath } });
        continue;
      }
      const candidates = this.ctx.db
        .select({ id: tracks.id, directoryId: tracks.directoryId, relPath: tracks.relPath, isMissing: tracks.isMissing })
        .from(tracks)
        .where(eq(tracks.audioHash, r.analysis.hash.audioHash))
        .all()
        .filter((c) => c.id !== r.trackId && !claimed.has(c.id));
      let moveFrom: Place | undefined;
      for (const c of candidates) {
        const d = c.directoryId ? dirs.get(c.directoryId) : undefined;
        const gone =
          c.isMissing ||
          (c.directoryId === this.dir.id && existing.has(c.relPath) && !seen.has(c.relPath)) ||
          (d &&
            c.directoryId !== this.dir.id &&
            d.isAvailable &&
            !(await fs.stat(path.join(d.path, c.relPath)).then(
              () => true,
              () => false,
            )));
        // a missing track on an unplugged drive is offline, not moved
        if (gone && !(c.isMissing && d && !d.isAvailable)) {
          moveFrom = c;
          break;
        }
      }
      if (moveFrom) claimed.add(moveFrom.id);
      decisions.push({ r, moveFrom });
    }
    const now = this.ctx.clock.now();
    for (let i = 0; i < decisions.length; i += FLUSH_ROWS, await pace()) {
      writeTx(this.ctx.db, (tx) => {
        const added: string[] = [];
        const owned = this.owned(tx);
        for (const decision of decisions.slice(i, i + FLUSH_ROWS)) {
          const { r } = decision;
          let { moveFrom } = decision;
          if (owned.has(r.entry.relPath)) continue;
          // what was decided may have changed since (a file operation ended in between): a row
          // now at the path is this file's, and a track that moved elsewhere is not moved here
          const at = this.rowAt(r.entry.relPath);
          if (at && at !== r.trackId) {
            r.trackId = at;
            moveFrom = undefined;
          }
          if (moveFrom) {
            const from = moveFrom;
            const still = tx.select({ directoryId: tracks.directoryId, relPath: tracks.relPath }).from(tracks).where(eq(tracks.id, from.id)).get();
            const unmoved = still?.directoryId === from.directoryId && still.relPath === from.relPath;
            if (!unmoved || (from.directoryId === this.dir.id && owned.has(from.relPath))) moveFrom = undefined;
          }
          const cols = analysisColumns(r.entry, r.analysis, now);
          this.touched.add(r.analysis.hash.audioHash);
          if (moveFrom && moveFrom.id !== r.trackId) {
            // a fast scan's quick row for this file gives way to the track it really is
            if (r.trackId) {
              tx.delete(tracks).where(eq(tracks.id, r.trackId)).run();
              appendEvent(tx, 'track:deleted', { trackIds: [r.trackId] }, now);
              this.stats.added--;
            }
            const keep = tx
              .select({ bpmOverride: tracks.bpmOverride, keyPitchOverride: tracks.keyPitchOverride, keyModeOverride: tracks.keyModeOverride })
              .from(tracks)
              .where(eq(tracks.id, moveFrom.id))
              .get()!;
            tx.update(tracks)
              .set({
                ...cols,
                ...effectiveColumns(this.lookup, cols, { bpm: keep.bpmOverride, keyPitch: keep.keyPitchOverride, keyMode: keep.keyModeOverride }),
                directoryId: this.dir.id,
                formerPath: null,
                isMissing: false,
                missingSince: null,
                missingReason: null,
                lastScanId: this.scanId,
              })
              .where(eq(tracks.id, moveFrom.id))
              .run();
            appendEvent(
              tx,
              'track:moved',
              { trackId: moveFrom.id, from: { directoryId: moveFrom.directoryId, relPath: moveFrom.relPath }, to: { directoryId: this.dir.id, relPath: r.entry.relPath } },
              now,
            );
            this.stats.moved++;
          } else if (r.trackId) {
            tx.update(tracks)
              .set({ ...cols, ...effectiveColumns(this.lookup, cols), lastScanId: this.scanId })
              .where(eq(tracks.id, r.trackId))
              .run();
            appendEvent(tx, 'track:updated', { trackIds: [r.trackId], fields: ['tags', 'file'] }, now);
          } else {
            const id = crypto.randomUUID();
            tx.insert(tracks)
              .values({ ...cols, ...effectiveColumns(this.lookup, cols), id, directoryId: this.dir.id, dateAdded: now, createdAt: now, lastScanId: this.scanId })
              .run();
            added.push(id);
            this.stats.added++;
          }
        }
        if (added.length) appendEvent(tx, 'track:added', { trackIds: added, directoryId: this.dir.id }, now);
      });
    }
    this.deferred = [];
  }

  /**
   * Files of this folder (within the scope) that the walk did not find: missing, never deleted —
   * except a broken file's row with nothing attached (no playlist entry, no cue): there is nothing
   * to keep, and a ghost "missing" row would only wait for a file that never was whole.
   */
  async markVanished(existing: Map<string, Existing & { relPath: string }>, seen: Set<string>, scope: string, unreadable: { relPath: string }[] = []) {
    const now = this.ctx.clock.now();
    const candidates = [...existing.values()].filter(
      (e) => !e.isMissing && !seen.has(e.relPath) && inScope(scope, e.relPath) && !unreadable.some((u) => inScope(u.relPath, e.relPath)),
    );
    if (candidates.length === 0) return;
    const pathNow = this.ctx.db.$client.prepare('SELECT rel_path AS relPath, directory_id AS directoryId FROM tracks WHERE id = ?');
    const attached = this.ctx.db.$client.prepare('SELECT EXISTS (SELECT 1 FROM playlist_tracks WHERE track_id = ?) OR EXISTS (SELECT 1 FROM hot_cues WHERE track_id = ?) AS yes');
    // slices, each its own short transaction, with other work let in between (a folder of
    // 100,000 vanished files was one 7 s stall of the worker)
    const pace = pacer();
    for (let i = 0; i < candidates.length; i += VANISH_ROWS, await pace()) {
      const slice = candidates.slice(i, i + VANISH_ROWS);
      writeTx(this.ctx.db, (tx) => {
        // a track that moved during this scan is no longer at its old path: it did not vanish
        const vanished = slice.filter((e) => {
          const at = pathNow.get(e.id) as { relPath: string; directoryId: string | null } | undefined;
          return at?.relPath === e.relPath && at.directoryId === this.dir.id;
        });
        // a file operation at work on the path says what became of it when it ends
        const owned = this.owned(tx);
        const gone = vanished.filter((e) => !owned.has(e.relPath));
        const ghosts = new Set(gone.filter((e) => e.isBroken && !(attached.get(e.id, e.id) as { yes: number }).yes).map((e) => e.id));
        const missing = gone.filter((e) => !ghosts.has(e.id)).map((e) => e.id);
        markMissingTx(tx, { trackIds: missing }, 'deleted', now, { directoryId: this.dir.id });
        removeTracksTx(tx, [...ghosts], now);
        this.stats.missing += missing.length;
        this.stats.removed += ghosts.size;
        for (const e of gone) if (e.audioHash) this.touched.add(e.audioHash);
      });
    }
  }

  async refreshDuplicates() {
    const now = this.ctx.clock.now();
    if (this.restoredIds.size) {
      const ids = [...this.restoredIds];
      for (let i = 0; i < ids.length; i += 500) {
        for (const r of this.ctx.db
          .select({ h: tracks.audioHash })
          .from(tracks)
          .where(inArray(tracks.id, ids.slice(i, i + 500)))
          .all())
          if (r.h) this.touched.add(r.h);
      }
    }
    const hashes = [...this.touched];
    const pace = pacer();
    for (let i = 0; i < hashes.length; i += DUPLICATE_HASHES, await pace()) {
      writeTx(this.ctx.db, (tx) => {
        this.stats.duplicates += refreshDuplicateGroups(tx, hashes.slice(i, i + DUPLICATE_HASHES), now);
      });
    }
  }
}

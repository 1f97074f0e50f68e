import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LibraryDirectory } from '@/drizzle/schema';
import type { AppContext } from '../context';
import type { FileAnalysis } from './analyze-file';
import type { ScanWriter } from './phase-4-write';
import type { ScanRun, WorkItem } from './scan-types';
import { startScan } from './start-scan';
import type { WalkFile } from './walk';

/**
 * Phase 3 — analyse: the files the diff picked are read (tags, audio hash, cover, integrity) a few
 * at a time on the scanner's threads; each result goes to the writer as it comes, unless the file
 * changed while it was read (still being copied in): that one is left for a follow-up scan.
 */

/**
 * A file that reads as cut short and was written less than this long ago may still be arriving
 * (a copy in progress): it is looked at again once it has been quiet this long, as the watcher's
 * settle does, before it is recorded as broken.
 */
const SETTLE_MS = 2_000;
/** A file that changed while it was read is left for a scan of its folder this much later. */
const FOLLOW_UP_MS = 5_000;

/** Files to read, read a few at a time off the main thread; results go to the writer as they come. */
export class AnalysePipeline {
  private readonly queue: WorkItem[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxInFlight: number;
  private readonly timeoutMs: number;
  /** Files that were still being written when read: left for a follow-up scan. */
  readonly changing: string[] = [];

  constructor(
    private readonly run: ScanRun,
    private readonly writer: ScanWriter,
  ) {
    this.maxInFlight = Math.max(2, run.scanner.parallelism * 2);
    this.timeoutMs = run.ctx.settings.get('library.perFileTimeoutMs');
  }

  push(item: WorkItem) {
    this.queue.push(item);
  }

  /** Files queued or being read. */
  get waiting() {
    return this.queue.length + this.inFlight.size;
  }

  /** Keeps the readers busy while the walk goes on, without letting the queue balloon. */
  async keepUp() {
    while (this.queue.length > this.maxInFlight * 4 && !this.run.signal.aborted) await this.pump();
    if (this.queue.length) await this.pump();
  }

  /** Reads everything queued, to the end (or until the scan is cancelled). */
  async drain() {
    while ((this.queue.length || this.inFlight.size) && !this.run.signal.aborted) {
      await this.pump();
      if (!this.queue.length && this.inFlight.size) await Promise.race(this.inFlight);
    }
  }

  /** After a cancel: lets the reads under way end. */
  async settle() {
    await Promise.allSettled([...this.inFlight]);
  }

  private async pump() {
    while (this.queue.length && this.inFlight.size < this.maxInFlight && !this.run.signal.aborted) this.read(this.queue.shift()!);
    if (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
  }

  private read(item: WorkItem) {
    const { ctx, dir, stats, signal, log } = this.run;
    const absPath = path.join(dir.path, item.entry.relPath);
    const p = this.run.scanner
      .analyze({ absPath, relPath: item.entry.relPath, dataDir: ctx.env.dataDir }, { timeoutMs: this.timeoutMs, signal })
      .then(async (analysis) => {
        if (signal.aborted) return;
        stats.processed++;
        stats.bytesHashed += analysis.hash.bytesRead;
        if (await stillBeingWritten(absPath, item.entry, analysis, signal)) {
          // what was read is not the file: its row (if any) stays as it was, and it is not missing
          stats.changing++;
          this.changing.push(item.entry.relPath);
          log.info({ relPath: item.entry.relPath }, 'file still being written; left for a later scan');
        } else if (!signal.aborted) this.writer.add({ ...item, analysis });
        this.run.tick();
      })
      .catch((e: unknown) => {
        if (!signal.aborted) log.warn({ err: e, relPath: item.entry.relPath }, 'file analysis failed');
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }
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
export function followUp(ctx: AppContext, dir: LibraryDirectory, relPath: string) {
  try {
    startScan(ctx, { directoryId: dir.id, relPath, strategy: 'hybrid', priority: 'normal' }, 'watcher', undefined, { delayMs: FOLLOW_UP_MS });
  } catch (e) {
    // the folder went offline or inactive meanwhile: its next scan takes it from here
    ctx.log.warn({ err: e, directoryId: dir.id, relPath }, 'could not queue a follow-up scan');
  }
}

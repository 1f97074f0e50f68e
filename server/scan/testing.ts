import { eq } from 'drizzle-orm';
import { jobs, scans, tracks } from '@/drizzle/schema';
import type { AppContext } from '../context';
import { createDirectory } from '../library/create-directory';
import { createInlineScanner } from './inline-scanner';
import { runScan } from './run-scan';
import { startScan } from './start-scan';
import type { ScanStrategy } from './schemas';
import type { AnalyzeFileTask } from './analyze-file';
import type { ScannerPort } from './scanner-port';

/** Adds a folder and returns it with the scan its creation queued. */
export async function addFolder(ctx: AppContext, path: string, extra: Omit<Parameters<typeof createDirectory>[1], 'path'> = {}) {
  const dir = await createDirectory(ctx, { ...extra, path });
  const scan = ctx.db.select().from(scans).where(eq(scans.directoryId, dir.id)).get()!;
  return { dir, scanId: scan.id };
}

/** Runs a queued scan in this process and closes its job, as the worker's runner would. */
export async function runQueuedScan(ctx: AppContext, scanId: number, opts: { scanner?: ScannerPort; signal?: AbortSignal } = {}) {
  try {
    return await runScan(ctx, scanId, { scanner: opts.scanner ?? createInlineScanner(), signal: opts.signal ?? new AbortController().signal });
  } finally {
    const scan = ctx.db.select().from(scans).where(eq(scans.id, scanId)).get();
    if (scan?.jobId) ctx.db.update(jobs).set({ status: 'succeeded', finishedAt: ctx.clock.now() }).where(eq(jobs.id, scan.jobId)).run();
  }
}

/** Queues and runs a scan to the end in this process. */
export async function scanNow(
  ctx: AppContext,
  directoryId: string,
  strategy: ScanStrategy = 'hybrid',
  opts: { scanner?: ScannerPort; signal?: AbortSignal; relPath?: string } = {},
) {
  const { scan } = startScan(ctx, { directoryId, strategy, relPath: opts.relPath });
  return runQueuedScan(ctx, scan.id, opts);
}

export const allTracks = (ctx: AppContext) => ctx.db.select().from(tracks).all();
export const trackAt = (ctx: AppContext, relPath: string) => ctx.db.select().from(tracks).where(eq(tracks.relPath, relPath)).get();

/**
 * The in-process scanner with hooks around each file read: `before` is awaited before the file is
 * read (to hold reads), `after` runs once it has been read (to change the file behind the scan's back).
 */
export function hookedScanner(
  hooks: { before?: (task: AnalyzeFileTask) => Promise<void> | void; after?: (task: AnalyzeFileTask) => void },
  inner: ScannerPort = createInlineScanner(),
): ScannerPort {
  return {
    parallelism: inner.parallelism,
    walk: (o, s) => inner.walk(o, s),
    analyze: async (task, o) => {
      await hooks.before?.(task);
      const r = await inner.analyze(task, o);
      hooks.after?.(task);
      return r;
    },
    close: () => inner.close(),
  };
}

/** A scanner whose reads wait for `open()`; `reached` resolves when the first read is asked for. */
export function heldScanner(inner?: ScannerPort) {
  let open!: () => void;
  let reachedNow!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const reached = new Promise<void>((r) => (reachedNow = r));
  const scanner = hookedScanner(
    {
      before: async () => {
        reachedNow();
        await gate;
      },
    },
    inner,
  );
  return { scanner, open, reached };
}

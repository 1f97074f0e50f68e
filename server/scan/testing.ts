import { eq } from 'drizzle-orm';
import { jobs, scans, tracks } from '@/drizzle/schema';
import type { AppContext } from '../context';
import { createDirectory } from '../library/create-directory';
import { createInlineScanner } from './inline-scanner';
import { runScan } from './run-scan';
import { startScan } from './start-scan';
import type { ScanStrategy } from './schemas';
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

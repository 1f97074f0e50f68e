import { and, desc, eq, inArray } from 'drizzle-orm';
import { jobs, libraryDirectories, scans } from '@/drizzle/schema';
import type { Executor } from '../db/client';
import { NotFoundError } from '../errors';
import { ScanHistoryInput } from './schemas';

const withDirectory = { scan: scans, directoryName: libraryDirectories.name, jobStatus: jobs.status, cancelRequested: jobs.cancelRequested };

/** Recent scans, newest first. */
export function scanHistory(ex: Executor, raw: ScanHistoryInput = {}) {
  const input = ScanHistoryInput.parse(raw);
  return ex
    .select(withDirectory)
    .from(scans)
    .innerJoin(libraryDirectories, eq(libraryDirectories.id, scans.directoryId))
    .leftJoin(jobs, eq(jobs.id, scans.jobId))
    .where(input.directoryId ? eq(scans.directoryId, input.directoryId) : undefined)
    .orderBy(desc(scans.id))
    .limit(input.limit)
    .all()
    .map((r) => ({ ...r.scan, directoryName: r.directoryName, jobStatus: r.jobStatus, cancelRequested: r.cancelRequested ?? false }));
}

/** Scans waiting or running. */
export function activeScans(ex: Executor) {
  return ex
    .select(withDirectory)
    .from(scans)
    .innerJoin(libraryDirectories, eq(libraryDirectories.id, scans.directoryId))
    .leftJoin(jobs, eq(jobs.id, scans.jobId))
    .where(inArray(scans.status, ['queued', 'running']))
    .orderBy(desc(scans.id))
    .all()
    .map((r) => ({ ...r.scan, directoryName: r.directoryName, jobStatus: r.jobStatus, cancelRequested: r.cancelRequested ?? false }));
}

/**
 * What a folder's card shows: a scan that is queued or running (of any part of it), otherwise the
 * latest scan of the whole folder (small scans of one sub-folder, e.g. after the watcher saw a
 * change, stay in the history), otherwise null.
 */
export function scanStatus(ex: Executor, directoryId: string) {
  const recent = scanHistory(ex, { directoryId, limit: 50 });
  return recent.find((s) => s.status === 'queued' || s.status === 'running') ?? recent.find((s) => s.relPath === '') ?? recent[0] ?? null;
}

export function scanById(ex: Executor, scanId: number) {
  const r = ex
    .select()
    .from(scans)
    .where(and(eq(scans.id, scanId)))
    .get();
  if (!r) throw new NotFoundError('scan', scanId);
  return r;
}

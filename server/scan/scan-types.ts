import type { LibraryDirectory, Scan } from '@/drizzle/schema';
import type { AppContext } from '../context';
import type { Logger } from '../log';
import type { FileAnalysis } from './analyze-file';
import type { ScannerPort } from './scanner-port';
import type { WalkFile } from './walk';

/** What every phase of a scan shares (see README.md in this folder for the pipeline). */
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

export interface Existing {
  id: string;
  sizeBytes: number;
  mtimeMs: number;
  audioHash: string | null;
  isMissing: boolean;
  isBroken: boolean;
  inode: number | null;
}

export type WorkKind = 'new' | 'changed';
export interface WorkItem {
  entry: WalkFile;
  kind: WorkKind;
  /** The row this file updates: an existing track, or a fast scan's quick registration. */
  trackId?: string;
  /** A broken row of this folder whose file this is, renamed once it was whole (same inode). */
  brokenFrom?: string;
}
export interface Result extends WorkItem {
  analysis: FileAnalysis;
}

/** A track of the folder as the scan found it in the database, with its path. */
export type KnownRow = Existing & { relPath: string };

/** One scan under way: what every phase reads, and where it reports. */
export interface ScanRun {
  ctx: AppContext;
  log: Logger;
  scan: Scan;
  dir: LibraryDirectory;
  /** The folder inside the library folder this scan covers ('' for all of it). */
  scope: string;
  stats: ScanStats;
  scanner: ScannerPort;
  signal: AbortSignal;
  /** Reports progress (throttled), entering `phase` when given. */
  tick(phase?: string): void;
}

export const emptyStats = (): ScanStats => ({
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
export const inScope = (scope: string, rel: string) => scope === '' || rel === scope || rel.startsWith(`${scope}/`);

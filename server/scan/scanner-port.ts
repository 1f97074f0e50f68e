import type { AnalyzeFileTask, FileAnalysis } from './analyze-file';
import type { WalkFile, WalkIssue, WalkOptions, WalkStats } from './walk';

/**
 * What a scan needs from the machine: walking folders and analysing files. The worker runs both
 * on threads (worker/scan/threaded-scanner.ts); tests may run them in process.
 */
export interface ScannerPort {
  /** Files analysed at once; the pipeline keeps about twice this many in flight. */
  readonly parallelism: number;
  /** Batches of walk results; the generator's return value is the walk's statistics. */
  walk(opts: WalkOptions, signal: AbortSignal): AsyncGenerator<(WalkFile | WalkIssue)[], WalkStats | undefined>;
  /** Analyses one file; a file that takes longer than `timeoutMs` resolves as broken. */
  analyze(task: AnalyzeFileTask, opts: { timeoutMs: number; signal: AbortSignal }): Promise<FileAnalysis>;
  /** Starts whatever the scanner needs ahead of the first scan (threads); optional. */
  warm?(): Promise<void>;
  close(): Promise<void>;
}

/** The result for a file that could not be read at all (gone, unreadable, too slow): broken, with why. */
export function brokenAnalysis(reason: string, elapsedMs: number): FileAnalysis {
  return {
    hash: { audioHash: '', quickHash: '', method: 'none', container: 'unknown', payloadBytes: 0, bytesRead: 0, problems: [reason] },
    tags: null,
    facts: null,
    artwork: null,
    broken: reason,
    warning: null,
    elapsedMs,
  };
}

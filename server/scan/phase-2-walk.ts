import type { AnalysePipeline } from './phase-3-analyse';
import type { ScanWriter } from './phase-4-write';
import type { KnownRow, ScanRun } from './scan-types';
import { isWalkIssue, type WalkFile } from './walk';

/**
 * Phases 2 — walk and diff: the folder's files (its rules: patterns, depth, links) come from the
 * scanner's walk thread in batches; each is compared with the library by size and mtime:
 * - unchanged: skipped (hybrid), or read again all the same (full);
 * - changed, or never read: queued for reading;
 * - new: queued for reading, or first shown at once from its name (fast);
 * - unchanged but missing: back (its drive was plugged in again).
 * Reading starts while the walk goes on. Returns the paths found and the walk's problems.
 */
export async function walkAndDiff(run: ScanRun, existing: Map<string, KnownRow>, excluded: Set<string>, pipeline: AnalysePipeline, writer: ScanWriter) {
  const { dir, stats, signal, log, scan } = run;
  const seen = new Set<string>();
  const issues: { relPath: string; problem: string }[] = [];
  const walker = run.scanner.walk(
    {
      root: dir.path,
      relPath: run.scope || undefined,
      includePatterns: dir.includePatterns,
      excludePatterns: dir.excludePatterns,
      maxDepth: dir.maxDepth,
      followSymlinks: dir.followSymlinks,
    },
    signal,
  );
  for await (const batch of walker) {
    if (signal.aborted) break;
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
        else pipeline.push({ entry: item, kind: 'new' });
      } else if (scan.strategy === 'full' || ex.sizeBytes !== item.sizeBytes || ex.mtimeMs !== item.mtimeMs || (!ex.audioHash && !ex.isBroken)) {
        pipeline.push({ entry: item, kind: 'changed', trackId: ex.id });
      } else if (ex.isMissing) {
        writer.restore(ex.id, item);
      } else stats.unchanged++;
    }
    if (quick.length) for (const { entry, trackId } of writer.registerQuick(quick)) pipeline.push({ entry, kind: 'new', trackId });
    stats.toProcess = stats.processed + pipeline.waiting;
    run.tick();
    await pipeline.keepUp();
  }
  return { seen, issues };
}

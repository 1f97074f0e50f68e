import xxhash, { type XXHashAPI } from 'xxhash-wasm';
import { analyzeFile } from './analyze-file';
import type { ScannerPort } from './scanner-port';
import { walk, type WalkFile, type WalkIssue } from './walk';

/** Walks and analyses in this thread: for tests and tools, not for the worker's main loop. */
export function createInlineScanner(): ScannerPort {
  let xx: Promise<XXHashAPI> | undefined;
  return {
    parallelism: 1,
    async *walk(opts, signal) {
      const gen = walk(opts);
      let batch: (WalkFile | WalkIssue)[] = [];
      for (;;) {
        if (signal.aborted) return undefined;
        const r = gen.next();
        if (r.done) {
          if (batch.length) yield batch;
          return r.value;
        }
        batch.push(r.value);
        if (batch.length >= 200) {
          yield batch;
          batch = [];
          await new Promise((res) => setImmediate(res));
        }
      }
    },
    async analyze(task) {
      return analyzeFile(task, await (xx ??= xxhash()));
    },
    close: () => Promise.resolve(),
  };
}

/**
 * A scan thread: analyses files (hash, tags, cover) and walks folders with synchronous calls, off
 * the worker's main event loop.
 */
import { parentPort } from 'node:worker_threads';
import xxhash from 'xxhash-wasm';
import { analyzeFile, type AnalyzeFileTask } from '@/server/scan/analyze-file';
import { walk, type WalkFile, type WalkIssue, type WalkOptions } from '@/server/scan/walk';

type Message = { type: 'analyze'; id: number; task: AnalyzeFileTask } | { type: 'walk'; id: number; opts: WalkOptions };

const port = parentPort!;
const xx = await xxhash();

port.on('message', (msg: Message) => {
  if (msg.type === 'analyze') {
    analyzeFile(msg.task, xx).then(
      (result) => port.postMessage({ type: 'result', id: msg.id, result }),
      (e: unknown) => port.postMessage({ type: 'error', id: msg.id, message: e instanceof Error ? e.message : String(e) }),
    );
    return;
  }
  try {
    const gen = walk(msg.opts);
    let batch: (WalkFile | WalkIssue)[] = [];
    let last = Date.now();
    for (;;) {
      const r = gen.next();
      if (r.done) {
        port.postMessage({ type: 'batch', id: msg.id, items: batch });
        port.postMessage({ type: 'done', id: msg.id, stats: r.value });
        return;
      }
      batch.push(r.value);
      if (batch.length >= 500 || Date.now() - last > 100) {
        port.postMessage({ type: 'batch', id: msg.id, items: batch });
        batch = [];
        last = Date.now();
      }
    }
  } catch (e) {
    port.postMessage({ type: 'error', id: msg.id, message: e instanceof Error ? e.message : String(e) });
  }
});
port.postMessage({ type: 'ready' });

import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AnalyzeFileTask, FileAnalysis } from '@/server/scan/analyze-file';
import { brokenAnalysis, type ScannerPort } from '@/server/scan/scanner-port';
import type { WalkFile, WalkIssue, WalkOptions, WalkStats } from '@/server/scan/walk';
import type { Logger } from '@/server/log';

import { threadBundleUrl } from './thread-bundle';

let threadUrl: URL | undefined;
const spawnThread = () => new Worker(threadUrl!);

interface Task {
  id: number;
  task: AnalyzeFileTask;
  timeoutMs: number;
  resolve: (a: FileAnalysis) => void;
  reject: (e: Error) => void;
  timer?: NodeJS.Timeout;
  retried?: boolean;
}

interface Slot {
  worker: Worker;
  busy: Map<number, Task>;
}

const brokenByTimeout = (ms: number): FileAnalysis => brokenAnalysis(`timeout: reading this file took longer than ${Math.round(ms / 1000)} s`, ms);

/**
 * File analysis on a pool of threads (one per core, two files each so one can hash while the
 * other waits on tag reads), and each walk on a thread of its own. A file that exceeds its time
 * limit gets its thread terminated and is recorded as broken; other files on that thread are
 * retried on a fresh one.
 */
export function createThreadedScanner(opts: { threads?: number; log: Logger; idleMs?: number }): ScannerPort {
  const size = opts.threads && opts.threads > 0 ? opts.threads : Math.max(2, os.availableParallelism());
  const perThread = 2;
  const slots: Slot[] = [];
  const waiting: Task[] = [];
  let nextId = 1;
  let closed = false;
  // walks share one long-lived thread (starting a thread costs a few hundred ms); they queue on it
  type WalkMessage =
    { type: 'batch'; id: number; items: (WalkFile | WalkIssue)[] } | { type: 'done'; id: number; stats: WalkStats } | { type: 'error'; id: number; message: string };
  const walks = new Map<number, (m: WalkMessage) => void>();
  let walker: Worker | undefined;
  const walkThread = () => {
    if (walker) return walker;
    const w = spawnThread();
    w.on('message', (m: WalkMessage | { type: 'ready' }) => {
      if (m.type !== 'ready') walks.get(m.id)?.(m);
    });
    w.on('error', (e) => {
      for (const [id, push] of walks) push({ type: 'error', id, message: e.message });
    });
    w.on('exit', () => {
      if (walker === w) walker = undefined;
    });
    walker = w;
    return w;
  };

  const attach = (slot: Slot) => {
    slot.worker.on('message', (m: { type: string; id: number; result?: FileAnalysis; message?: string }) => {
      const t = slot.busy.get(m.id);
      if (!t) return;
      slot.busy.delete(m.id);
      clearTimeout(t.timer);
      if (m.type === 'result') t.resolve(m.result!);
      else if (m.type === 'error') t.reject(new Error(m.message));
      dispatch();
    });
    slot.worker.on('error', (e) => opts.log.error({ err: e }, 'scan thread crashed'));
    slot.worker.on('exit', () => {
      if (closed) return;
      replace(slot, null);
    });
  };
  /** Swaps a dead or stuck thread for a fresh one; its other tasks go back to the queue once. */
  const replace = (slot: Slot, culprit: number | null) => {
    const i = slots.indexOf(slot);
    if (i < 0) return;
    const orphans = [...slot.busy.values()].filter((t) => t.id !== culprit);
    slot.busy.clear();
    slot.worker.removeAllListeners('exit');
    void slot.worker.terminate();
    const fresh: Slot = { worker: spawnThread(), busy: new Map() };
    attach(fresh);
    slots[i] = fresh;
    for (const t of orphans) {
      clearTimeout(t.timer);
      if (t.retried) t.reject(new Error('scan thread failed twice on this file'));
      else waiting.unshift({ ...t, retried: true });
    }
    dispatch();
  };
  const dispatch = () => {
    while (waiting.length) {
      const slot = slots.reduce<Slot | undefined>((best, s) => (s.busy.size < perThread && (!best || s.busy.size < best.busy.size) ? s : best), undefined);
      if (!slot) return;
      const t = waiting.shift()!;
      slot.busy.set(t.id, t);
      t.timer = setTimeout(() => {
        opts.log.warn({ file: t.task.relPath, ms: t.timeoutMs }, 'file took too long; its thread is replaced');
        slot.busy.delete(t.id);
        t.resolve(brokenByTimeout(t.timeoutMs));
        replace(slot, t.id);
      }, t.timeoutMs);
      slot.worker.postMessage({ type: 'analyze', id: t.id, task: t.task });
    }
  };
  const ensure = () => {
    while (slots.length < size) {
      const s: Slot = { worker: spawnThread(), busy: new Map() };
      attach(s);
      slots.push(s);
    }
    armIdle();
  };
  // threads idle for a while are let go (each holds tens of MB); the next scan starts them again
  let idleTimer: NodeJS.Timeout | undefined;
  const armIdle = () => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(
      () => {
        if (waiting.length || slots.some((x) => x.busy.size) || walks.size) return armIdle();
        for (const x of slots.splice(0)) {
          x.worker.removeAllListeners('exit');
          void x.worker.terminate();
        }
        void walker?.terminate();
        walker = undefined;
      },
      opts.idleMs ?? 5 * 60_000,
    );
    idleTimer.unref();
  };

  return {
    parallelism: size * perThread,
    async analyze(task, { timeoutMs, signal }) {
      threadUrl ??= await threadBundleUrl();
      ensure();
      return new Promise<FileAnalysis>((resolve, reject) => {
        if (signal.aborted) return reject(new Error('aborted'));
        waiting.push({ id: nextId++, task, timeoutMs, resolve, reject });
        dispatch();
      });
    },
    async *walk(walkOpts: WalkOptions, signal: AbortSignal): AsyncGenerator<(WalkFile | WalkIssue)[], WalkStats | undefined> {
      threadUrl ??= await threadBundleUrl();
      armIdle();
      const id = nextId++;
      const inbox: WalkMessage[] = [];
      let wake: (() => void) | undefined;
      const push = (m: WalkMessage) => {
        inbox.push(m);
        wake?.();
      };
      walks.set(id, push);
      const w = walkThread();
      const onAbort = () => {
        // a synchronous walk cannot be interrupted: drop the thread, the next walk gets a new one
        if (walker === w) walker = undefined;
        void w.terminate();
        push({ type: 'error', id, message: 'aborted' });
      };
      signal.addEventListener('abort', onAbort, { once: true });
      w.postMessage({ type: 'walk', id, opts: walkOpts });
      try {
        for (;;) {
          if (!inbox.length) await new Promise<void>((r) => (wake = r));
          wake = undefined;
          const m = inbox.shift()!;
          if (m.type === 'batch') {
            if (m.items.length) yield m.items;
          } else if (m.type === 'done') return m.stats;
          else if (m.message === 'aborted') return undefined;
          else throw new Error(`walk failed: ${m.message}`);
        }
      } finally {
        signal.removeEventListener('abort', onAbort);
        walks.delete(id);
      }
    },
    async warm() {
      threadUrl ??= await threadBundleUrl();
      ensure();
      walkThread();
      await Promise.all(slots.map((x) => new Promise<void>((r) => x.worker.once('message', () => r()))));
    },
    async close() {
      closed = true;
      if (idleTimer) clearTimeout(idleTimer);
      for (const t of waiting.splice(0)) t.reject(new Error('scanner closed'));
      await Promise.all([...slots.splice(0).map((s) => s.worker.terminate()), walker?.terminate()]);
    },
  };
}

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

type WalkMessage = { type: 'batch'; id: number; items: (WalkFile | WalkIssue)[] } | { type: 'done'; id: number; stats: WalkStats } | { type: 'error'; id: number; message: string };

let nextId = 1;

/**
 * File analysis on threads (`size` of them, `perThread` files each). A file that exceeds its time
 * limit gets its thread terminated and is recorded as broken; other files on that thread are
 * retried once on a fresh one.
 */
class AnalysisPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Task[] = [];
  closed = false;

  constructor(
    private readonly size: number,
    private readonly perThread: number,
    private readonly log: Logger,
  ) {}

  get busy() {
    return this.waiting.length > 0 || this.slots.some((x) => x.busy.size);
  }

  analyze(task: AnalyzeFileTask, timeoutMs: number, signal: AbortSignal) {
    this.ensure();
    return new Promise<FileAnalysis>((resolve, reject) => {
      if (signal.aborted) return reject(new Error('aborted'));
      this.waiting.push({ id: nextId++, task, timeoutMs, resolve, reject });
      this.dispatch();
    });
  }

  /** Starts the threads and resolves when each has said it is ready. */
  async warm() {
    this.ensure();
    await Promise.all(this.slots.map((x) => new Promise<void>((r) => x.worker.once('message', () => r()))));
  }

  /** Lets the threads go (idle); the next file starts them again. */
  stop() {
    for (const x of this.slots.splice(0)) {
      x.worker.removeAllListeners('exit');
      void x.worker.terminate();
    }
  }

  async close() {
    this.closed = true;
    for (const t of this.waiting.splice(0)) t.reject(new Error('scanner closed'));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private ensure() {
    while (this.slots.length < this.size) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const slot: Slot = { worker: spawnThread(), busy: new Map() };
    slot.worker.on('message', (m: { type: string; id: number; result?: FileAnalysis; message?: string }) => {
      const t = slot.busy.get(m.id);
      if (!t) return;
      slot.busy.delete(m.id);
      clearTimeout(t.timer);
      if (m.type === 'result') t.resolve(m.result!);
      else if (m.type === 'error') t.reject(new Error(m.message));
      this.dispatch();
    });
    slot.worker.on('error', (e) => this.log.error({ err: e }, 'scan thread crashed'));
    slot.worker.on('exit', () => {
      if (!this.closed) this.replace(slot, null);
    });
    return slot;
  }

  /** Swaps a dead or stuck thread for a fresh one; its other tasks go back to the queue once. */
  private replace(slot: Slot, culprit: number | null) {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    const orphans = [...slot.busy.values()].filter((t) => t.id !== culprit);
    slot.busy.clear();
    slot.worker.removeAllListeners('exit');
    void slot.worker.terminate();
    this.slots[i] = this.spawn();
    for (const t of orphans) {
      clearTimeout(t.timer);
      if (t.retried) t.reject(new Error('scan thread failed twice on this file'));
      else this.waiting.unshift({ ...t, retried: true });
    }
    this.dispatch();
  }

  private dispatch() {
    while (this.waiting.length) {
      const slot = this.slots.reduce<Slot | undefined>((best, s) => (s.busy.size < this.perThread && (!best || s.busy.size < best.busy.size) ? s : best), undefined);
      if (!slot) return;
      const t = this.waiting.shift()!;
      slot.busy.set(t.id, t);
      t.timer = setTimeout(() => {
        this.log.warn({ file: t.task.relPath, ms: t.timeoutMs }, 'file took too long; its thread is replaced');
        slot.busy.delete(t.id);
        t.resolve(brokenByTimeout(t.timeoutMs));
        this.replace(slot, t.id);
      }, t.timeoutMs);
      slot.worker.postMessage({ type: 'analyze', id: t.id, task: t.task });
    }
  }
}

/** Walks share one long-lived thread (starting a thread costs a few hundred ms); they queue on it. */
class WalkThread {
  private readonly walks = new Map<number, (m: WalkMessage) => void>();
  private worker: Worker | undefined;

  get busy() {
    return this.walks.size > 0;
  }

  thread(): Worker {
    if (this.worker) return this.worker;
    const w = spawnThread();
    w.on('message', (m: WalkMessage | { type: 'ready' }) => {
      if (m.type !== 'ready') this.walks.get(m.id)?.(m);
    });
    w.on('error', (e) => {
      for (const [id, push] of this.walks) push({ type: 'error', id, message: e.message });
    });
    w.on('exit', () => {
      if (this.worker === w) this.worker = undefined;
    });
    this.worker = w;
    return w;
  }

  async *walk(walkOpts: WalkOptions, signal: AbortSignal): AsyncGenerator<(WalkFile | WalkIssue)[], WalkStats | undefined> {
    const id = nextId++;
    const inbox: WalkMessage[] = [];
    let wake: (() => void) | undefined;
    const push = (m: WalkMessage) => {
      inbox.push(m);
      wake?.();
    };
    this.walks.set(id, push);
    const w = this.thread();
    const onAbort = () => {
      // a synchronous walk cannot be interrupted: drop the thread, the next walk gets a new one
      if (this.worker === w) this.worker = undefined;
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
      this.walks.delete(id);
    }
  }

  async stop() {
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }
}

/**
 * File analysis on a pool of threads (one per core, two files each so one can hash while the
 * other waits on tag reads), and each walk on a thread of its own. Threads idle for a while are
 * let go (each holds tens of MB); the next scan starts them again.
 */
export function createThreadedScanner(opts: { threads?: number; log: Logger; idleMs?: number }): ScannerPort {
  const size = opts.threads && opts.threads > 0 ? opts.threads : Math.max(2, os.availableParallelism());
  const perThread = 2;
  const pool = new AnalysisPool(size, perThread, opts.log);
  const walker = new WalkThread();
  let idleTimer: NodeJS.Timeout | undefined;
  const armIdle = () => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(
      () => {
        if (pool.busy || walker.busy) return armIdle();
        pool.stop();
        void walker.stop();
      },
      opts.idleMs ?? 5 * 60_000,
    );
    idleTimer.unref();
  };
  return {
    parallelism: size * perThread,
    async analyze(task, { timeoutMs, signal }) {
      threadUrl ??= await threadBundleUrl();
      armIdle();
      return pool.analyze(task, timeoutMs, signal);
    },
    async *walk(walkOpts: WalkOptions, signal: AbortSignal) {
      threadUrl ??= await threadBundleUrl();
      armIdle();
      return yield* walker.walk(walkOpts, signal);
    },
    async warm() {
      threadUrl ??= await threadBundleUrl();
      armIdle();
      walker.thread();
      await pool.warm();
    },
    async close() {
      if (idleTimer) clearTimeout(idleTimer);
      await Promise.all([pool.close(), walker.stop()]);
    },
  };
}

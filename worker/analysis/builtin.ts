import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { toStages } from '@/server/analysis/builtin/envelopes';
import { threadBundleUrl } from '../scan/thread-bundle';
import type { ThreadReply, ThreadRequest } from './builtin-thread';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface BuiltinOptions {
  threads: number;
  trackTimeoutMs: number;
  bpmRange: () => { minBpm: number; maxBpm: number };
}

export class BuiltinFailure extends Error {
  constructor(
    message: string,
    /** The file itself is the problem (undecodable, too slow): retrying will not help. */
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export interface BuiltinResult {
  stages: ReturnType<typeof toStages>;
  seconds: number;
  duration: number;
}

interface Slot {
  worker: Worker;
  busy: boolean;
}

/**
 * The built-in analyzer's threads: at most `threads` tracks at once, one per thread, each with a
 * time limit enforced from here too (a thread stuck in a pathological file is terminated and
 * replaced). Threads start on first use and end after five idle minutes.
 */
export class BuiltinAnalyzer {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Tracks analysed and audio seconds, for the rate shown on the Analysis page. */
  readonly stats = { tracks: 0, audioSeconds: 0, busySeconds: 0, failures: 0, peakRss: 0 };

  constructor(private readonly opts: BuiltinOptions) {}

  get capacity() {
    return this.opts.threads;
  }

  get running() {
    return this.slots.filter((s) => s.busy).length;
  }

  private async slot(): Promise<Slot> {
    const free = this.slots.find((s) => !s.busy);
    if (free) return free;
    const worker = new Worker(await threadBundleUrl(path.join(here, 'builtin-thread.ts')));
    worker.unref();
    const s = { worker, busy: false };
    this.slots.push(s);
    return s;
  }

  private drop(s: Slot) {
    const i = this.slots.indexOf(s);
    if (i >= 0) this.slots.splice(i, 1);
    void s.worker.terminate();
  }

  async analyze(file: string, signal?: AbortSignal): Promise<BuiltinResult> {
    if (this.stopped) throw new BuiltinFailure('The worker is stopping', false);
    clearTimeout(this.idleTimer);
    const s = await this.slot();
    s.busy = true;
    const id = this.nextId++;
    const { minBpm, maxBpm } = this.opts.bpmRange();
    const req: ThreadRequest = { id, file, opts: { minBpm, maxBpm, timeoutMs: this.opts.trackTimeoutMs, niceness: 10 } };
    try {
      const reply = await new Promise<ThreadReply>((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          s.worker.off('message', onMessage);
          s.worker.off('error', onError);
          s.worker.off('exit', onExit);
          signal?.removeEventListener('abort', onAbort);
        };
        const onMessage = (m: ThreadReply) => {
          if (m.id !== id) return;
          done();
          resolve(m);
        };
        const onError = (e: Error) => {
          done();
          this.drop(s);
          reject(new BuiltinFailure(`The analysis thread failed: ${e.message}`, false));
        };
        const onExit = () => onError(new Error('it exited'));
        const onAbort = () => {
          done();
          this.drop(s);
          reject(new BuiltinFailure('Cancelled', false));
        };
        // the thread stops ffmpeg itself at the limit; this catches a thread stuck in its own code
        const timer = setTimeout(() => {
          done();
          this.drop(s);
          reject(new BuiltinFailure(`Analysis took longer than ${Math.round(this.opts.trackTimeoutMs / 1000)} s and was stopped`, true));
        }, this.opts.trackTimeoutMs + 10_000);
        s.worker.on('message', onMessage);
        s.worker.once('error', onError);
        s.worker.once('exit', onExit);
        signal?.addEventListener('abort', onAbort, { once: true });
        s.worker.postMessage(req);
      });
      if (!reply.ok) {
        this.stats.failures++;
        throw new BuiltinFailure(reply.error, reply.permanent);
      }
      this.stats.tracks++;
      this.stats.audioSeconds += reply.duration;
      this.stats.busySeconds += reply.seconds;
      this.stats.peakRss = Math.max(this.stats.peakRss, reply.peakRss);
      return { stages: reply.stages, seconds: reply.seconds, duration: reply.duration };
    } finally {
      s.busy = false;
      if (!this.slots.some((x) => x.busy) && !this.stopped) {
        this.idleTimer = setTimeout(() => this.release(), 5 * 60_000);
        this.idleTimer.unref();
      }
    }
  }

  private release() {
    for (const s of [...this.slots]) if (!s.busy) this.drop(s);
  }

  async stop() {
    this.stopped = true;
    clearTimeout(this.idleTimer);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}

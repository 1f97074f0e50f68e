import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { WorkerStatus } from '@/drizzle/schema';
import type { AppContext } from '@/server/context';
import { writeHeartbeat } from '@/server/system/worker-status';
import { appVersion } from '@/server/version';
import type { Components } from './components';

/** Writes the worker's heartbeat row every `everyMs` and whenever a component changes state. */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt: number;
  /** How long the main loop was kept waiting (a stalled loop delays the engine's replies and jobs). */
  private readonly lag = monitorEventLoopDelay({ resolution: 10 });
  private lagSince: number;
  state: WorkerStatus['state'] = 'starting';

  constructor(
    private readonly ctx: AppContext,
    private readonly id: string,
    private readonly components: Components,
    private readonly everyMs: number,
  ) {
    this.startedAt = ctx.clock.now();
    this.lagSince = this.startedAt;
    components.onChange(() => this.beat());
  }

  beat() {
    const now = this.ctx.clock.now();
    // over the last minute (the histogram starts again every minute); the resolution is 10 ms
    const p99Ms = Math.round(this.lag.percentile(99) / 1e5) / 10;
    const maxMs = Math.round(this.lag.max / 1e5) / 10;
    this.components.set('mainLoop', { state: 'running', detail: `delay p99 ${p99Ms} ms, max ${maxMs} ms (this minute)`, p99Ms, maxMs, since: this.lagSince });
    if (now - this.lagSince > 60_000) {
      this.lag.reset();
      this.lagSince = now;
    }
    try {
      writeHeartbeat(this.ctx.db, {
        id: this.id,
        pid: process.pid,
        hostname: os.hostname(),
        version: appVersion(),
        state: this.state,
        components: this.components.snapshot(),
        startedAt: this.startedAt,
        heartbeatAt: this.ctx.clock.now(),
      });
    } catch (e) {
      this.ctx.log.warn({ err: e }, 'heartbeat write failed');
    }
  }

  start() {
    this.lag.enable();
    this.beat();
    this.timer = setInterval(() => this.beat(), this.everyMs);
  }

  setState(state: WorkerStatus['state']) {
    this.state = state;
    this.beat();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.lag.disable();
  }
}

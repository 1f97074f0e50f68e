import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { WorkerStatus } from '@/drizzle/schema';
import type { AppContext } from '@/server/context';
import { writeHeartbeat } from '@/server/system/worker-status';
import { appVersion } from '@/server/version';
import type { Components } from './components';

const WATCHDOG_MS = 50;
/** Nothing may hold the worker's main loop longer than this (issue 25); longer stalls are logged. */
const STALL_MS = 100;
/** Stalls this early belong to start-up (loading, recovery, first checks) and are reported apart. */
const STARTUP_MS = 10_000;

/** Writes the worker's heartbeat row every `everyMs` and whenever a component changes state. */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt: number;
  /** How long the main loop was kept waiting (a stalled loop delays the engine's replies and jobs). */
  private readonly lag = monitorEventLoopDelay({ resolution: 10 });
  private lagSince: number;
  /** Notices each stall over `STALL_MS` as it ends, so the log says when (and next to what) it happened. */
  private watchdog: NodeJS.Timeout | undefined;
  private lastTick = 0;
  /** The longest stalls: during start-up (its first `STARTUP_MS`) and since. */
  private worst = { startup: 0, after: 0 };
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
    this.components.set('mainLoop', {
      state: 'running',
      detail: `delay p99 ${p99Ms} ms, max ${maxMs} ms (this minute)`,
      p99Ms,
      maxMs,
      since: this.lagSince,
      worstStallMs: this.worst.after,
      worstStartupStallMs: this.worst.startup,
    });
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
    this.lastTick = performance.now();
    this.watchdog = setInterval(() => {
      const now = performance.now();
      const stalledMs = Math.round(now - this.lastTick - WATCHDOG_MS);
      this.lastTick = now;
      const upMs = this.ctx.clock.now() - this.startedAt;
      const k = upMs < STARTUP_MS ? 'startup' : 'after';
      this.worst[k] = Math.max(this.worst[k], stalledMs);
      if (stalledMs >= STALL_MS) this.ctx.log.warn({ stalledMs, upMs, processMs: Math.round(now) }, 'the main loop was blocked');
    }, WATCHDOG_MS);
    this.watchdog.unref();
  }

  setState(state: WorkerStatus['state']) {
    this.state = state;
    this.beat();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    if (this.watchdog) clearInterval(this.watchdog);
    this.lag.disable();
  }
}

import os from 'node:os';
import type { WorkerStatus } from '@/drizzle/schema';
import type { AppContext } from '@/server/context';
import { writeHeartbeat } from '@/server/system/worker-status';
import { appVersion } from '@/server/version';
import type { Components } from './components';

/** Writes the worker's heartbeat row every `everyMs` and whenever a component changes state. */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt: number;
  state: WorkerStatus['state'] = 'starting';

  constructor(
    private readonly ctx: AppContext,
    private readonly id: string,
    private readonly components: Components,
    private readonly everyMs: number,
  ) {
    this.startedAt = ctx.clock.now();
    components.onChange(() => this.beat());
  }

  beat() {
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
    this.beat();
    this.timer = setInterval(() => this.beat(), this.everyMs);
  }

  setState(state: WorkerStatus['state']) {
    this.state = state;
    this.beat();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
  }
}

import type { AppContext } from '@/server/context';
import { enqueueJob } from '@/server/jobs/queue';
import { PRIORITY, type JobKind, type JobPayload } from '@/server/jobs/catalogue';

interface Periodic<K extends JobKind> {
  kind: K;
  payload: JobPayload<K>;
  everyMs: number;
}

/** Enqueues housekeeping jobs on a timer; the dedupe key keeps at most one of each in the queue. */
export class Scheduler {
  private timers: NodeJS.Timeout[] = [];
  constructor(
    private readonly ctx: AppContext,
    private readonly onEnqueued: () => void,
  ) {}

  every<K extends JobKind>(p: Periodic<K>, runNow = false) {
    const fire = () => {
      try {
        const { created } = enqueueJob(this.ctx.db, p.kind, p.payload, { priority: PRIORITY.background, dedupeKey: `periodic:${p.kind}` }, this.ctx.clock.now());
        if (created) this.onEnqueued();
      } catch (e) {
        this.ctx.log.warn({ err: e, kind: p.kind }, 'could not schedule job');
      }
    };
    if (runNow) fire();
    const t = setInterval(fire, p.everyMs);
    t.unref();
    this.timers.push(t);
  }

  stop() {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }
}

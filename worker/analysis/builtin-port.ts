import fs from 'node:fs';
import type { AnalysisJob } from '@/drizzle/schema';
import type { AppContext } from '@/server/context';
import { receiveCallback } from '@/server/analysis/callbacks';
import { BUILTIN_STAGES, BUILTIN_URL, failAttempt } from '@/server/analysis/jobs';
import { BuiltinFailure, type BuiltinAnalyzer } from './builtin';
import type { AnalysisPort } from './port';

/**
 * The built-in analyzer as an analysis port: it analyses a claimed job in a thread and hands the
 * results to `receiveCallback` as the `basic_features` and `characteristics` envelopes a server
 * would post (validated by the same schemas, stored durably, then processed by the same code), so
 * waveforms, events, the engine's waiters and smart playlists need no second path.
 */
export class BuiltinPort implements AnalysisPort {
  readonly id = BUILTIN_URL;
  private readonly runs = new Map<string, AbortController>();
  private stopping = false;

  constructor(
    private readonly ctx: AppContext,
    readonly analyzer: BuiltinAnalyzer,
    private readonly hooks: {
      /** Whether the setting lets it take jobs now. */
      active: () => boolean;
      /** A result was stored: process it. */
      stored: () => void;
      /** New energy scores arrived (the library's 1–10 ranking is due). */
      scored: () => void;
      changed: () => void;
    },
  ) {}

  get available() {
    return !this.stopping && this.hooks.active();
  }

  get capacity() {
    return this.analyzer.capacity;
  }

  get running() {
    return this.runs.size;
  }

  async submit(job: AnalysisJob, filePath: string) {
    const abort = new AbortController();
    this.runs.set(job.audioHash, abort);
    this.hooks.changed();
    try {
      // a row whose file has gone (seeded, or deleted since) fails at once, with no ffmpeg started
      await fs.promises.access(filePath, fs.constants.R_OK).catch(() => {
        throw new BuiltinFailure('The file is not there (or not readable) any more', true);
      });
      const r = await this.analyzer.analyze(filePath, abort.signal);
      for (const stage of BUILTIN_STAGES) if (job.stagesDispatched.includes(stage)) this.deliver(job, stage, r.stages[stage]);
      this.deliver(job, 'job_completed', undefined);
      if (job.stagesDispatched.includes('characteristics')) this.hooks.scored();
    } catch (e) {
      const permanent = e instanceof BuiltinFailure && e.permanent;
      const why = e instanceof Error ? e.message : String(e);
      if (why !== 'Cancelled' && !this.stopping) failAttempt(this.ctx.db, job.id, why, this.ctx.clock.now(), { retryBaseMs: this.ctx.env.analysis.retryDelayMs, final: permanent });
      if (!(e instanceof BuiltinFailure)) this.ctx.log.error({ err: e, audioHash: job.audioHash }, 'built-in analysis failed');
    } finally {
      this.runs.delete(job.audioHash);
      this.hooks.changed();
    }
  }

  private deliver(job: AnalysisJob, stage: string, data: unknown) {
    const envelope = { job_id: job.audioHash, stage, status: 'completed', timestamp: new Date(this.ctx.clock.now()).toISOString(), ...(data === undefined ? {} : { data }) };
    const r = receiveCallback(this.ctx, job.secret ?? '', envelope, { text: JSON.stringify(envelope) });
    // refused only when the job was cancelled or re-dispatched meanwhile: nothing to store then
    if (r.status !== 200) this.ctx.log.info({ audioHash: job.audioHash, stage, status: r.status }, 'built-in result not stored');
    else this.hooks.stored();
  }

  async cancel(audioHash: string) {
    this.runs.get(audioHash)?.abort();
    return Promise.resolve();
  }

  async stop() {
    this.stopping = true;
    for (const c of this.runs.values()) c.abort();
    await this.analyzer.stop();
  }
}

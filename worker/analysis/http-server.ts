import fs from 'node:fs';
import path from 'node:path';
import type { AnalysisJob } from '@/drizzle/schema';
import type { AppContext } from '@/server/context';
import { appendEvent } from '@/server/events/outbox';
import { failAttempt } from '@/server/analysis/jobs';
import { STAGES } from '@/server/analysis/schemas';
import type { AnalysisPort } from './port';

const CONTENT_TYPES: Record<string, string> = {
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.flac': 'audio/flac',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/opus',
  '.aif': 'audio/aiff',
  '.aiff': 'audio/aiff',
  '.alac': 'audio/mp4',
};

const reason = (e: unknown) => (e instanceof Error ? ((e.cause as { code?: string } | undefined)?.code ?? e.message) : String(e));

/**
 * One Mismo analysis server over its HTTP API (PROTOCOLS A1, B §1): health, job submission (local
 * paths as JSON, or the file streamed as multipart in remote mode), cancel, and "do you still know
 * this job" after a restart.
 */
export class HttpAnalysisServer implements AnalysisPort {
  readonly id: string;
  state: 'unknown' | 'up' | 'down' = 'unknown';
  detail: string | undefined;
  version: string | undefined;
  checkedAt: number | null = null;

  constructor(
    url: string,
    private readonly ctx: AppContext,
    private readonly hooks: { callbackUrl: (secret: string) => string; changed: () => void; cameUp: () => void },
  ) {
    this.id = url.replace(/\/+$/, '');
  }

  get url() {
    return this.id;
  }

  get available() {
    return this.state === 'up';
  }

  get capacity() {
    return this.ctx.env.analysis.concurrency;
  }

  /** `GET /health`: healthy only on 200 with `status: "ok"` (B §1.2). */
  async checkHealth(): Promise<this> {
    const before = this.state;
    try {
      const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(5_000) });
      const body = (await res.json().catch(() => null)) as { status?: unknown; version?: unknown } | null;
      if (res.status === 200 && body?.status === 'ok') {
        this.state = 'up';
        this.detail = undefined;
        this.version = typeof body.version === 'string' ? body.version : undefined;
      } else {
        this.state = 'down';
        this.detail = `health: HTTP ${res.status}${typeof body?.status === 'string' ? ` (${body.status})` : ''}`;
      }
    } catch (e) {
      this.state = 'down';
      this.detail = reason(e);
    }
    this.checkedAt = this.ctx.clock.now();
    if (before !== this.state) {
      appendEvent(this.ctx.db, 'analysis_server:state', { url: this.url, state: this.state, ...(this.detail ? { detail: this.detail } : {}) }, this.ctx.clock.now());
      this.ctx.log.info({ url: this.url, state: this.state, detail: this.detail }, 'analysis server state');
      if (this.state === 'up') this.hooks.cameUp();
    }
    this.hooks.changed();
    return this;
  }

  /** The six flags, always all sent (true-by-default on the server side, B §1.5). */
  private options(job: AnalysisJob) {
    return Object.fromEntries(STAGES.map((s) => [s, job.stagesDispatched.includes(s)]));
  }

  async submit(job: AnalysisJob, filePath: string) {
    const env = this.ctx.env.analysis;
    const callback = this.hooks.callbackUrl(job.secret!);
    let res: Response;
    try {
      if (env.remote) {
        // streamed from disk: the file is never read whole into memory
        const form = new FormData();
        const blob = await fs.openAsBlob(filePath, { type: CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream' });
        form.append('file', blob, path.basename(filePath));
        form.append('track_hash', job.audioHash);
        form.append('options', JSON.stringify(this.options(job)));
        form.append('callback_url', callback);
        form.append('stem_delivery_mode', 'callback');
        res = await fetch(`${this.url}/jobs`, { method: 'POST', body: form, signal: AbortSignal.timeout(Math.max(60_000, env.requestTimeoutMs)) });
      } else {
        res = await fetch(`${this.url}/jobs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ file_path: filePath, track_hash: job.audioHash, options: this.options(job), callback_url: callback, stem_delivery_mode: 'path' }),
          signal: AbortSignal.timeout(env.requestTimeoutMs),
        });
      }
    } catch (e) {
      // the server went away: not the job's fault, so the attempt does not count
      const why = reason(e);
      this.state = 'down';
      this.detail = why;
      this.hooks.changed();
      failAttempt(this.ctx.db, job.id, `Could not reach ${this.url}: ${why}`, this.ctx.clock.now(), { retryBaseMs: 0, countAttempt: false });
      return;
    }
    if (res.ok) {
      await res.body?.cancel();
      return;
    }
    const text = (await res.text().catch(() => '')).slice(0, 300);
    failAttempt(this.ctx.db, job.id, `${this.url} refused the job: HTTP ${res.status}${text ? ` ${text}` : ''}`, this.ctx.clock.now(), { retryBaseMs: env.retryDelayMs });
  }

  /** `DELETE /jobs/{id}` (best effort). */
  async cancel(audioHash: string) {
    try {
      await fetch(`${this.url}/jobs/${audioHash}`, { method: 'DELETE', signal: AbortSignal.timeout(5_000) });
    } catch {
      // the server may be gone; nothing else to do
    }
  }

  /** After a restart: false when the server answers that it does not know the job (404). */
  async knows(audioHash: string): Promise<boolean | undefined> {
    try {
      const res = await fetch(`${this.url}/jobs/${audioHash}`, { signal: AbortSignal.timeout(5_000) });
      return res.status !== 404;
    } catch {
      return undefined; // away: the stuck-job timeout decides later
    }
  }
}

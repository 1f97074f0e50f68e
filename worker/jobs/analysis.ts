import { defineJob } from '../queue/define-job';

/** Requests from the web to the worker's analysis service: server start/stop/restart, remote cancels. */
export const analysisControlJob = defineJob<'analysis.control'>({
  concurrency: () => 4,
  timeoutMs: 120_000,
  async run({ ctx, payload }) {
    const svc = ctx.ports.analysis;
    if (!svc) return 'skipped';
    if (payload.action === 'cancelRemote') {
      await Promise.all(payload.remote.map((r) => svc.cancelRemote(r.serverUrl, r.audioHash)));
    } else if (payload.action === 'wake') svc.wake();
    else await svc.control(payload.action);
    svc.wake();
    return { outcome: 'done', result: { action: payload.action } };
  },
});

/** Requests from the web to the audio engine: start/stop/restart the supervised engine, reconnect the link. */
export const audioEngineControlJob = defineJob<'audioEngine.control'>({
  concurrency: () => 2,
  timeoutMs: 60_000,
  async run({ ctx, payload }) {
    const svc = ctx.ports.audioEngine;
    if (!svc) return 'skipped';
    await svc.control(payload.action);
    return { outcome: 'done', result: { action: payload.action } };
  },
});

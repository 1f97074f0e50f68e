/**
 * A built-in analysis thread: one track at a time, decoded by ffmpeg and analysed off the
 * worker's main loop. Bundled like the scan threads (`scan/thread-bundle.ts`).
 */
import { parentPort } from 'node:worker_threads';
import { AnalysisError, analyzeFile, type DecodeOptions } from '@/server/analysis/builtin/decode';
import { toStages } from '@/server/analysis/builtin/envelopes';

export interface ThreadRequest {
  id: number;
  file: string;
  opts: Omit<DecodeOptions, 'signal'>;
}
export type ThreadReply =
  { id: number; ok: true; stages: ReturnType<typeof toStages>; seconds: number; duration: number; peakRss: number } | { id: number; ok: false; error: string; permanent: boolean };

parentPort!.on('message', (m: ThreadRequest) => {
  const t0 = performance.now();
  analyzeFile(m.file, m.opts).then(
    (a) => {
      const seconds = (performance.now() - t0) / 1000;
      parentPort!.postMessage({ id: m.id, ok: true, stages: toStages(a, seconds), seconds, duration: a.duration, peakRss: process.memoryUsage().rss } satisfies ThreadReply);
    },
    (e: unknown) => {
      const permanent = e instanceof AnalysisError;
      parentPort!.postMessage({ id: m.id, ok: false, error: e instanceof Error ? e.message : String(e), permanent } satisfies ThreadReply);
    },
  );
});

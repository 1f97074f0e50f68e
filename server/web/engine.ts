import { sql } from 'drizzle-orm';
import { requestAnalysis } from '../analysis/jobs';
import { ANALYSIS_PRIORITY } from '../analysis/schemas';
import { ENGINE_ERRORS, errorReply } from '../engine/protocol';
import { lookupTrackInfo } from '../engine/track-info';
import { unauthorized } from './bytes';
import type { WebRuntime } from './runtime';

const STATUS: Record<string, number> = {
  [ENGINE_ERRORS.missingTrackId]: 400,
  [ENGINE_ERRORS.trackNotFound]: 404,
  [ENGINE_ERRORS.directoryNotFound]: 404,
  [ENGINE_ERRORS.fileMissing]: 404,
  [ENGINE_ERRORS.analysisInProgress]: 202,
};

/** Whether analysis of this audio is queued or running. */
const analysisPending = (rt: Pick<WebRuntime, 'app'>, hash: string) =>
  rt.app.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM analysis_jobs WHERE audio_hash = ${hash} AND status IN ('queued', 'dispatched')`).n > 0;

/**
 * /api/audio-server/tracks/:id — the same body `getTrackInfo` gets over the WebSocket (REST
 * fallback). GET only reads: a track not analysed yet answers 202 `Analysis in progress` when its
 * analysis is queued or running, else 409 saying to POST. POST also queues the analysis at the
 * engine's priority (202; ask again after Retry-After).
 */
export function engineTrackInfoResponse(rt: Pick<WebRuntime, 'app' | 'signingKey'>, req: Request, id: string): Response {
  const denied = unauthorized(rt, req);
  if (denied) return denied;
  const r = lookupTrackInfo(rt.app.db, id, new URL(req.url).searchParams.get('requestId') ?? undefined);
  if (r.ok) return Response.json(r.info, { headers: { 'cache-control': 'no-store' } });
  if (r.notAnalysed) {
    if (!r.audioHash) return Response.json(errorReply(r.trackId, ENGINE_ERRORS.analysisFailedToStart), { status: 503 });
    if (req.method === 'POST') {
      requestAnalysis(rt.app.db, { audioHash: r.audioHash, stages: ['basic_features', 'characteristics'], priority: ANALYSIS_PRIORITY.engine }, rt.app.clock.now());
    } else if (!analysisPending(rt, r.audioHash)) {
      return Response.json(
        { ...errorReply(r.trackId, 'Not analysed yet'), hint: 'POST to this address to queue its analysis' },
        { status: 409, headers: { 'cache-control': 'no-store' } },
      );
    }
  }
  return Response.json(errorReply(r.trackId, r.error), { status: STATUS[r.error] ?? 500, headers: r.notAnalysed ? { 'retry-after': '5' } : {} });
}

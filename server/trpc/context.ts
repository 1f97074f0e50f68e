import type { AppContext } from '../context';
import type { EventHub } from '../events/hub';
import type { AuthResult } from '../auth/session';
import type { FacetIndex } from '../tracks/facet-index';
import type { Vocabulary } from '../search/spelling';

export interface TrpcContext {
  app: AppContext;
  hub: EventHub;
  /** The library's words, for spelling suggestions (one per process). */
  vocabulary?: Vocabulary;
  facetIndex?: FacetIndex;
  auth: AuthResult;
  reqId: string;
  /** The server key (session marks); tests leave it out and it is read from the data folder. */
  signingKey?: Buffer;
}

/** Builds the per-request context; tests pass a runtime and no request. */
export function createTrpcContext(
  rt: { app: AppContext; hub: EventHub; vocabulary?: Vocabulary; facetIndex?: FacetIndex; signingKey?: Buffer },
  auth: AuthResult,
  reqId = 'internal',
): TrpcContext {
  return { app: rt.app, hub: rt.hub, vocabulary: rt.vocabulary, facetIndex: rt.facetIndex, auth, reqId, signingKey: rt.signingKey };
}

import type { AppContext } from '../context';
import type { EventHub } from '../events/hub';
import type { AuthResult } from '../auth/session';

export interface TrpcContext {
  app: AppContext;
  hub: EventHub;
  auth: AuthResult;
  reqId: string;
}

/** Builds the per-request context; tests pass a runtime and no request. */
export function createTrpcContext(rt: { app: AppContext; hub: EventHub }, auth: AuthResult, reqId = 'internal'): TrpcContext {
  return { app: rt.app, hub: rt.hub, auth, reqId };
}

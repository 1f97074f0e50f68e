import type { AppContext } from '../context';
import type { EventHub } from '../events/hub';
import type { AuthResult } from '../auth/session';

export interface TrpcContext {
  app: AppContext;
  hub: EventHub;
  auth: AuthResult;
  reqId: string;
}

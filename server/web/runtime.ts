import crypto from 'node:crypto';
import { createAppContext, type AppContext } from '../context';
import { systemClock } from '../clock';
import { openDatabase } from '../db/client';
import { migrateWithBackup } from '../ops/backup';
import { loadEnv } from '../env';
import { EventHub } from '../events/hub';
import { createLogger } from '../log';
import { LoginLimiter } from '../auth/login';
import { Vocabulary } from '../search/spelling';
import { FacetIndex } from '../tracks/facet-index';
import { authenticate, loadSigningKey, type AuthResult } from '../auth/session';
import { CLIENT_HEADER } from './gate';

/** What the web process keeps for its lifetime: one DB connection, one event poller. */
export interface WebRuntime {
  app: AppContext;
  hub: EventHub;
  vocabulary: Vocabulary;
  facetIndex: FacetIndex;
  signingKey: Buffer;
  limiter: LoginLimiter;
}

const KEY = Symbol.for('mismo.webRuntime');
type G = typeof globalThis & { [KEY]?: WebRuntime };

/**
 * The web process's runtime, created on first use and kept on globalThis (so dev-mode module
 * reloads reuse it). Migrations run here too; they are safe when the worker runs them at once.
 */
export function getWebRuntime(): WebRuntime {
  const g = globalThis as G;
  if (g[KEY]) return g[KEY];
  const env = loadEnv();
  const log = createLogger(env, 'web');
  const db = openDatabase(env.db.path);
  migrateWithBackup(db.$client, env, log);
  const app = createAppContext({ env, db, log, clock: systemClock, processKind: 'web' });
  const rt: WebRuntime = {
    app,
    hub: new EventHub(db),
    vocabulary: new Vocabulary(db),
    facetIndex: new FacetIndex(db),
    signingKey: loadSigningKey(env),
    limiter: new LoginLimiter(),
  };
  g[KEY] = rt;
  return rt;
}

/** Authentication for any web request (pages, tRPC, byte routes). */
export function authenticateRequest(rt: Pick<WebRuntime, 'app' | 'signingKey'>, headers: Headers): AuthResult {
  return authenticate(rt.app.env, rt.signingKey, rt.app.db, { cookie: headers.get('cookie'), authorization: headers.get('authorization') }, rt.app.clock.now());
}

export const newRequestId = () => crypto.randomBytes(6).toString('base64url');

/** The client address the gate decided on (the socket's, or a trusted proxy's X-Forwarded-For). */
export function clientAddress(headers: Headers): string {
  return headers.get(CLIENT_HEADER) ?? 'unknown';
}

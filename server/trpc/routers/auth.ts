import { z } from 'zod';
import { createApiToken, listApiTokens, listSessions, loadSigningKey, revokeAllSessions, revokeApiToken, revokeSession } from '../../auth/session';
import { procedure, router } from '../init';
import type { TrpcContext } from '../context';

const keyOf = (ctx: TrpcContext) => ctx.signingKey ?? loadSigningKey(ctx.app.env);
const SessionId = z.string().regex(/^[0-9a-f]{64}$/, 'not a session id');

/** Signed-in browsers and API tokens (System page). */
export const authRouter = router({
  sessions: procedure.input(z.object({}).optional()).query(({ ctx }) => ({
    enabled: ctx.app.env.auth.enabled,
    passwordLogin: Boolean(ctx.app.env.auth.password),
    envToken: Boolean(ctx.app.env.auth.apiToken),
    sessions: listSessions(ctx.app.db, ctx.app.env, keyOf(ctx), ctx.auth.sessionId, ctx.app.clock.now()),
    tokens: listApiTokens(ctx.app.db),
  })),
  /** Ends one signed-in browser. */
  revokeSession: procedure.input(z.object({ id: SessionId })).mutation(({ ctx, input }) => {
    revokeSession(ctx.app.db, input.id, ctx.app.clock.now());
    return { ok: true, wasCurrent: input.id === ctx.auth.sessionId };
  }),
  /** "Sign out everywhere": every browser, this one included, must sign in again. */
  signOutEverywhere: procedure.input(z.object({}).optional()).mutation(({ ctx }) => ({ ended: revokeAllSessions(ctx.app.db, ctx.app.clock.now()) })),
  /** A new named API token; the answer is the only time it is shown. */
  createToken: procedure.input(z.object({ name: z.string().trim().min(1).max(80) })).mutation(({ ctx, input }) => createApiToken(ctx.app.db, input.name, ctx.app.clock.now())),
  revokeToken: procedure.input(z.object({ id: z.string().uuid() })).mutation(({ ctx, input }) => {
    revokeApiToken(ctx.app.db, input.id, ctx.app.clock.now());
    return { ok: true };
  }),
});

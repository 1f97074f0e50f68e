import { z } from 'zod';
import { currentWorker } from '../../system/worker-status';
import { appVersion } from '../../version';
import { procedure, publicProcedure, router } from '../init';

export const systemRouter = router({
  /** Whether this client must sign in; safe to call without a session. */
  authStatus: publicProcedure.input(z.object({}).optional()).query(({ ctx }) => ({
    required: ctx.app.env.auth.enabled,
    signedIn: ctx.auth.ok,
    via: ctx.auth.via,
    passwordLogin: Boolean(ctx.app.env.auth.password),
  })),
  status: procedure.input(z.object({}).optional()).query(({ ctx }) => ({
    version: appVersion(),
    worker: currentWorker(ctx.app.db, ctx.app.clock.now()),
    sseClients: ctx.hub.subscriberCount,
  })),
});

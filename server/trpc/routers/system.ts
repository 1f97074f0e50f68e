import { z } from 'zod';
import { enqueueForUser } from '../../jobs/queue';
import { systemInfo } from '../../ops/system-info';
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
  /** Health, versions, uptime, queue depths, disk space and backups: the System page. */
  info: procedure.input(z.object({}).optional()).query(({ ctx }) => systemInfo(ctx.app, { sseClients: ctx.hub.subscriberCount })),
  /** Queues an online backup now (the worker makes it); one at a time. */
  backupNow: procedure.input(z.object({}).optional()).mutation(({ ctx }) => {
    return enqueueForUser(ctx.app, 'backup.create', { reason: 'manual' }, { dedupeKey: 'backup:manual' });
  }),
});

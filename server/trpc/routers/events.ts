import { tracked } from '@trpc/server';
import { z } from 'zod';
import { procedure, router } from '../init';

export const OnEventInput = z
  .object({
    /** Resume after this id (sent automatically by EventSource on reconnect). */
    lastEventId: z.string().regex(/^\d+$/, 'must be an event id').nullish(),
    /** Only events whose type starts with one of these prefixes, e.g. ["track:", "job:"]. */
    types: z.array(z.string().min(1).max(60)).max(50).optional(),
  })
  .optional();

export const eventsRouter = router({
  latestId: procedure.input(z.object({}).optional()).query(({ ctx }) => ctx.hub.head()),
  /**
   * The one live stream: every event after `lastEventId`, exactly once and in order, then new ones
   * as they are committed by either process.
   */
  onEvent: procedure.input(OnEventInput).subscription(async function* ({ ctx, input, signal }) {
    const from = input?.lastEventId ? Number(input.lastEventId) : null;
    const prefixes = input?.types;
    const abort = signal ?? new AbortController().signal;
    for await (const e of ctx.hub.subscribe(from, abort)) {
      if (prefixes && !prefixes.some((p) => e.type.startsWith(p))) continue;
      yield tracked(String(e.id), e);
    }
  }),
});

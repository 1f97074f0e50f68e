import { TRPCError, initTRPC, type TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { transformer } from './transformer';
import { ZodError } from 'zod';
import { DomainError, type DomainErrorCode } from '../errors';
import type { TrpcContext } from './context';

const CODE_MAP: Record<DomainErrorCode, TRPC_ERROR_CODE_KEY> = {
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  INVALID: 'BAD_REQUEST',
  PRECONDITION: 'PRECONDITION_FAILED',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  UNAUTHORIZED: 'UNAUTHORIZED',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

/** One readable line from a validation error: "filters.bpmMin: BPM range is reversed: 130 is above 120". */
const zodMessage = (e: ZodError) => e.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');

/** JavaScript's own errors ("Cannot read properties of null…") are bugs or unreadable input, never a message for people. */
const isRuntimeError = (e: unknown) => e instanceof TypeError || e instanceof RangeError || e instanceof SyntaxError || e instanceof ReferenceError;

function plainMessage(error: TRPCError, shapeMessage: string): string {
  if (error.code === 'INTERNAL_SERVER_ERROR') return 'Internal error (see the server log)';
  if (isRuntimeError(error.cause) || isRuntimeError(error))
    return error.code === 'PARSE_ERROR' || error.code === 'BAD_REQUEST' ? 'The request could not be read' : 'The request failed';
  return shapeMessage;
}

const t = initTRPC.context<TrpcContext>().create({
  transformer,
  sse: {
    ping: { enabled: true, intervalMs: 3_000 },
    client: { reconnectAfterInactivityMs: 8_000 },
  },
  errorFormatter({ shape, error }) {
    const zod = error.cause instanceof ZodError ? error.cause : undefined;
    const domain = error.cause instanceof DomainError ? error.cause : undefined;
    // no stack, not even an empty key (superjson would annotate an undefined one)
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      message: zod ? zodMessage(zod) : domain ? shape.message : plainMessage(error, shape.message),
      data: {
        ...data,
        zodError: zod ? zod.flatten() : null,
        domainCode: domain?.code ?? null,
        details: domain?.details ?? null,
      },
    };
  },
});

/** Maps domain errors to tRPC codes once, for every procedure; hides unexpected errors' text. */
const mapDomainErrors = t.middleware(async ({ ctx, next, path }) => {
  const res = await next();
  if (!res.ok) {
    const cause = res.error.cause;
    if (cause instanceof DomainError) {
      throw new TRPCError({ code: CODE_MAP[cause.code], message: cause.message, cause });
    }
    if (cause instanceof ZodError) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: zodMessage(cause), cause });
    }
    if (res.error.code === 'INTERNAL_SERVER_ERROR') {
      ctx.app.log.error({ err: res.error.cause ?? res.error, path }, 'procedure failed');
      throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal error (see the server log)', cause: res.error });
    }
  }
  return res;
});

const requireAuth = t.middleware(({ ctx, next }) => {
  if (!ctx.auth.ok) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first' });
  return next();
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
/** Open to anyone who can reach the server (sign-in status only). */
export const publicProcedure = t.procedure.use(mapDomainErrors);
/** Everything else: open on loopback without a password, otherwise needs a session or token. */
export const procedure = publicProcedure.use(requireAuth);

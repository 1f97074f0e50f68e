import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/server/trpc/router';
import { createTrpcContext } from '@/server/trpc/context';
import { authenticateRequest, getWebRuntime, newRequestId } from '@/server/web/runtime';

export const dynamic = 'force-dynamic';

function handler(req: Request) {
  const rt = getWebRuntime();
  const reqId = req.headers.get('x-request-id') ?? newRequestId();
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: () => createTrpcContext(rt, authenticateRequest(rt, req.headers), reqId),
    responseMeta: () => ({ headers: new Headers({ 'x-request-id': reqId }) }),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') rt.app.log.error({ reqId, path, err: error.cause ?? error }, 'trpc error');
    },
  });
}

export { handler as GET, handler as POST };

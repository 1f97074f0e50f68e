import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, type TRPCClient } from '@trpc/client';
import { EventSource } from 'eventsource';
import { transformer } from './transformer';
import type { AppRouter } from './router';

export interface MismoClientOptions {
  /** Base URL of the web server, e.g. http://127.0.0.1:3000 */
  url: string;
  /** API_TOKEN of the server, when it requires authentication. */
  token?: string;
}

export type MismoClient = TRPCClient<AppRouter>;

/**
 * A typed client for scripts and other TypeScript tools: queries and mutations over HTTP batch
 * requests, the live event stream over SSE (resumable by last event id), bearer-token auth.
 */
export function createMismoClient(opts: MismoClientOptions): MismoClient {
  const url = `${opts.url.replace(/\/+$/, '')}/api/trpc`;
  const auth: Record<string, string> = opts.token ? { authorization: `Bearer ${opts.token}` } : {};
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url,
          transformer,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input: string | URL | Request, init?: RequestInit) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...auth } }),
          }),
        }),
        false: httpBatchLink({ url, transformer, headers: () => auth }),
      }),
    ],
  });
}

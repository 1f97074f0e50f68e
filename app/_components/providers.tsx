'use client';

import { TrpcProviders } from '../_trpc/client';
import { LiveEventsProvider } from '../_hooks/live-events';
import { ToastProvider } from './ui/toast';
import { MutationErrorToasts } from '../_trpc/mutation-errors';
import { PlayerProvider } from './library/player';

export function Providers({ children }: { children: React.ReactNode }) {
  return (
    <TrpcProviders>
      <ToastProvider>
        <MutationErrorToasts />
        <LiveEventsProvider>
          <PlayerProvider>{children}</PlayerProvider>
        </LiveEventsProvider>
      </ToastProvider>
    </TrpcProviders>
  );
}

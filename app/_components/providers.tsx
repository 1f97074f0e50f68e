'use client';

import { TrpcProviders } from '../_trpc/client';
import { LiveEventsProvider } from '../_hooks/live-events';
import { ToastProvider } from './ui/toast';

export function Providers({ children }: { children: React.ReactNode }) {
  return (
    <TrpcProviders>
      <ToastProvider>
        <LiveEventsProvider>{children}</LiveEventsProvider>
      </ToastProvider>
    </TrpcProviders>
  );
}

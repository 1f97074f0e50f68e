'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../_trpc/client';
import { useLiveStatus } from '../../_hooks/live-events';
import { Badge } from '../ui/badge';

/** Header pills: worker online/offline (heartbeat), live stream connection. */
export function StatusBar() {
  const trpc = useTRPC();
  const status = useQuery({ ...trpc.system.status.queryOptions(), refetchInterval: 2_000, staleTime: 0 });
  const live = useLiveStatus();
  const worker = status.data?.worker;
  const workerTone = worker?.online ? (worker.state === 'running' ? 'ok' : 'warn') : 'danger';
  const workerText = !status.data ? 'Worker …' : worker?.online ? (worker.state === 'running' ? 'Worker online' : `Worker ${worker.state}`) : 'Worker offline';
  return (
    <div className="flex items-center gap-2" data-testid="status-bar">
      <Badge tone={workerTone} dot>
        <span data-testid="worker-status">{workerText}</span>
      </Badge>
      <Badge tone={live === 'pending' ? 'accent' : live === 'error' ? 'danger' : 'neutral'} dot>
        {live === 'pending' ? 'Live' : live === 'error' ? 'Live: error' : 'Connecting'}
      </Badge>
    </div>
  );
}

'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../_trpc/client';
import { useLiveStatus } from '../../_hooks/live-events';
import { Badge } from '../ui/badge';

/** Header pills: worker online/offline (heartbeat), the audio engine (when configured), live stream. */
export function StatusBar() {
  const trpc = useTRPC();
  const status = useQuery({ ...trpc.system.status.queryOptions(), refetchInterval: 2_000, staleTime: 0 });
  const engine = useQuery({ ...trpc.audioEngine.status.queryOptions(), refetchInterval: 5_000 });
  const live = useLiveStatus();
  const worker = status.data?.worker;
  const workerTone = worker?.online ? (worker.state === 'running' ? 'ok' : 'warn') : 'danger';
  const workerText = !status.data ? 'Worker …' : worker?.online ? (worker.state === 'running' ? 'Worker online' : `Worker ${worker.state}`) : 'Worker offline';
  const e = engine.data;
  const loaded = e?.decks.filter((d) => d.loaded) ?? [];
  return (
    <div className="flex items-center gap-2" data-testid="status-bar">
      {e?.configured ? (
        <span
          title={
            e.state === 'connected'
              ? loaded.map((d) => `Deck ${d.deck}: ${d.track?.title ?? d.track?.fileName ?? 'unknown track'}`).join('\n') || 'No decks loaded'
              : (e.detail ?? `Engine at ${e.url}`)
          }
        >
          <Badge tone={e.state === 'connected' ? 'ok' : 'neutral'} dot>
            <span data-testid="engine-status">
              {e.state === 'connected' ? `Engine ${e.version ?? ''}`.trim() : e.state === 'connecting' ? 'Engine connecting…' : 'Engine offline'}
              {e.state === 'connected' && loaded.length ? ` · ${loaded.map((d) => d.deck).join(' ')}` : ''}
            </span>
          </Badge>
        </span>
      ) : null}
      <Badge tone={workerTone} dot>
        <span data-testid="worker-status">{workerText}</span>
      </Badge>
      <Badge tone={live === 'pending' ? 'accent' : live === 'error' ? 'danger' : 'neutral'} dot>
        {live === 'pending' ? 'Live' : live === 'error' ? 'Live: error' : 'Connecting'}
      </Badge>
    </div>
  );
}

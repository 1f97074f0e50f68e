'use client';

import { useQuery } from '@tanstack/react-query';
import { Disc3 } from 'lucide-react';
import { useTRPC } from '../../_trpc/client';
import { formatBpm } from '../library/music-bits';
import { cn } from '../ui/cn';
import { ReactionButtons } from '../playlists/reactions';
import { latestDeck, NextUpPanel } from './next-up';

/**
 * The booth: a full-screen view for a tablet beside the decks — what is on each deck, and what fits
 * after the one loaded last, updated as the engine reports each load.
 */
export function BoothView() {
  const trpc = useTRPC();
  const engine = useQuery(trpc.audioEngine.status.queryOptions());
  const decks = engine.data?.decks ?? [];
  const latest = latestDeck(decks);
  // the DJ session logging now: each deck's play in it takes a crowd reaction from here
  const sessions = useQuery(trpc.playlists.sessions.queryOptions());
  const live = sessions.data?.find((x) => !x.sessionEndedAt);
  const plays = useQuery({ ...trpc.playlists.entries.queryOptions({ id: live?.id ?? '' }), enabled: !!live });
  const playOf = (trackId: string) => [...(plays.data ?? [])].reverse().find((e) => e.track?.id === trackId);
  return (
    <div className="flex h-full min-h-0 flex-col">
      <div className="grid grid-cols-1 gap-2 border-b border-line p-3 sm:grid-cols-2" aria-label="Decks">
        {decks.length ? (
          decks.map((d) => (
            <div key={d.deck} className={cn('flex items-center gap-3 rounded-lg border border-line bg-panel p-3', d === latest && 'border-accent/60')} data-testid="booth-deck">
              <Disc3 size={22} className={d === latest ? 'text-accent' : 'text-faint'} />
              <div className="min-w-0 flex-1">
                <p className="text-[11px] font-semibold tracking-wider text-faint uppercase">Deck {d.deck}</p>
                <p className="truncate text-lg">{d.track?.title ?? d.track?.fileName ?? 'Unknown track'}</p>
                <p className="truncate text-sm text-muted">
                  {d.track?.artist ?? ''} · {formatBpm(d.track?.bpm ?? null) || '— BPM'}
                </p>
              </div>
              <DeckReaction play={playOf(d.trackId)} />
            </div>
          ))
        ) : (
          <p className="p-2 text-sm text-muted">
            {engine.data?.configured
              ? 'No track on a deck yet: load one and what fits after it appears here.'
              : 'No audio engine is set up: pick a track in the Library and open Next up there.'}
          </p>
        )}
      </div>
      <div className="flex min-h-0 flex-1">
        <NextUpPanel selectedTrackId={null} big />
      </div>
    </div>
  );
}

const DeckReaction = ({ play }: { play: Parameters<typeof ReactionButtons>[0]['entry'] | undefined }) => (play ? <ReactionButtons entry={play} compact /> : null);

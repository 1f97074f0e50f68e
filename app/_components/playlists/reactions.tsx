'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Angry, PartyPopper, Smile } from 'lucide-react';
import { useTRPC } from '../../_trpc/client';
import { cn } from '../ui/cn';
import type { PlaylistEntry } from './shared';

// icons, not emoji: a browser without an emoji font (Debian's Chromium out of the box) draws boxes
export const REACTION = {
  good: { icon: Smile, label: 'Went well', tone: 'text-ok' },
  filler: { icon: PartyPopper, label: 'Filled the floor', tone: 'text-accent' },
  cleared: { icon: Angry, label: 'Cleared the floor', tone: 'text-danger' },
} as const;

/** A play's reaction as a small icon with its words for screen readers and on hover. */
export function ReactionIcon({ reaction, size = 15 }: { reaction: keyof typeof REACTION; size?: number }) {
  const r = REACTION[reaction];
  return <r.icon size={size} className={cn('inline', r.tone)} aria-label={r.label} role="img" data-testid="reaction-icon" />;
}

/** How a play went, marked during (or after) a DJ session; pressing the marked one again takes it away. */
export function ReactionButtons({ entry, compact = false }: { entry: PlaylistEntry; compact?: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const react = useMutation(trpc.playlists.react.mutationOptions({ onSettled: () => qc.invalidateQueries(trpc.playlists.pathFilter()) }));
  return (
    <div className="flex flex-col gap-1.5">
      {compact ? null : <span className="text-xs text-muted">How did it go?</span>}
      <div role="group" aria-label="Crowd reaction" className="flex gap-1.5">
        {(Object.keys(REACTION) as (keyof typeof REACTION)[]).map((r) => (
          <button
            key={r}
            type="button"
            aria-pressed={entry.reaction === r}
            aria-label={REACTION[r].label}
            title={REACTION[r].label}
            onClick={() => react.mutate({ entryId: entry.entryId, reaction: entry.reaction === r ? null : r })}
            className={cn('rounded-md border px-2.5 py-1.5', entry.reaction === r ? 'border-accent bg-accent/15' : 'border-line hover:bg-raised')}
          >
            <ReactionIcon reaction={r} size={20} />
          </button>
        ))}
      </div>
    </div>
  );
}

'use client';

import { useRef, useState } from 'react';
import { Palette } from 'lucide-react';
import { Button } from '../ui/button';
import { cn } from '../ui/cn';
import { useDismiss } from '../ui/use-dismiss';
import { PLAYLIST_COLOURS, PLAYLIST_ICONS } from './shared';

/** Colour and icon of a playlist, picked from a small palette. */
export function PlaylistLook({ color, icon, onChange }: { color: string | null; icon: string | null; onChange: (p: { color?: string | null; icon?: string | null }) => void }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useDismiss(ref, open, () => setOpen(false));
  return (
    <div ref={ref} className="relative">
      <Button size="icon" variant="ghost" onClick={() => setOpen(!open)} aria-label="Colour and icon" title="Colour and icon" aria-expanded={open}>
        <Palette size={15} />
      </Button>
      {open ? (
        <div className="absolute top-9 right-0 z-30 w-60 rounded-lg border border-line-strong bg-panel-2 p-3 shadow-2xl" role="group" aria-label="Colour and icon">
          <div className="flex flex-wrap gap-1.5">
            <button
              type="button"
              aria-label="No colour"
              onClick={() => onChange({ color: null })}
              className={cn('h-6 w-6 rounded-full border border-line-strong', !color && 'ring-2 ring-fg')}
            />
            {PLAYLIST_COLOURS.map((c) => (
              <button
                key={c}
                type="button"
                aria-label={`Colour ${c}`}
                onClick={() => onChange({ color: c })}
                className={cn('h-6 w-6 rounded-full', color === c && 'ring-2 ring-fg')}
                style={{ background: c }}
              />
            ))}
          </div>
          <div className="mt-3 flex flex-wrap gap-1">
            <button type="button" onClick={() => onChange({ icon: null })} className={cn('h-7 rounded px-2 text-xs text-muted hover:bg-raised', !icon && 'bg-raised text-fg')}>
              default
            </button>
            {Object.entries(PLAYLIST_ICONS).map(([name, Icon]) => (
              <button
                key={name}
                type="button"
                aria-label={`Icon ${name}`}
                onClick={() => onChange({ icon: name })}
                className={cn('flex h-7 w-7 items-center justify-center rounded hover:bg-raised', icon === name && 'bg-raised text-accent')}
              >
                <Icon size={15} />
              </button>
            ))}
          </div>
        </div>
      ) : null}
    </div>
  );
}

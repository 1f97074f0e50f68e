'use client';

import { useRef, useState } from 'react';
import { Palette } from 'lucide-react';
import { Button } from '../ui/button';
import { cn } from '../ui/cn';
import { useDismiss } from '../ui/use-dismiss';
import { PLAYLIST_COLOURS, PLAYLIST_ICONS, usePlaylistList } from './shared';

/** Colour, icon and folder of a playlist: colours and icons from a small palette. */
export function PlaylistLook({
  id,
  color,
  icon,
  parentId,
  onChange,
}: {
  id: string;
  color: string | null;
  icon: string | null;
  parentId: string | null;
  onChange: (p: { color?: string | null; icon?: string | null; parentId?: string | null }) => void;
}) {
  const [open, setOpen] = useState(false);
  const folders = (usePlaylistList().data ?? []).filter((f) => f.type === 'folder' && f.id !== id);
  const ref = useRef<HTMLDivElement>(null);
  useDismiss(ref, open, () => setOpen(false));
  return (
    <div ref={ref} className="relative">
      <Button size="icon" variant="ghost" onClick={() => setOpen(!open)} aria-label="Colour, icon and folder" title="Colour, icon and folder" aria-expanded={open}>
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
          <label className="mt-3 flex items-center gap-2 text-xs text-muted">
            Folder
            <select
              aria-label="Folder"
              value={parentId ?? ''}
              onChange={(e) => onChange({ parentId: e.target.value || null })}
              className="h-7 flex-1 rounded border border-line-strong bg-panel px-1.5 text-sm text-fg focus:border-accent focus:outline-none"
            >
              <option value="">(top level)</option>
              {folders.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name}
                </option>
              ))}
            </select>
          </label>
        </div>
      ) : null}
    </div>
  );
}

'use client';

import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { ChevronRight, CornerLeftUp, Folder, Lock } from 'lucide-react';
import { useTRPC } from '../../_trpc/client';
import { Input } from '../ui/input';
import { cn } from '../ui/cn';

/** Browses directories on the server (not the browser's machine) and reports the chosen path. */
export function FolderPicker({ value, onChange }: { value: string; onChange: (p: string) => void }) {
  const trpc = useTRPC();
  const [browse, setBrowse] = useState<string | undefined>(value || undefined);
  const q = useQuery(trpc.directories.browseServer.queryOptions({ path: browse }));
  const listing = q.data;
  const go = (p: string) => {
    setBrowse(p);
    onChange(p);
  };
  return (
    <div className="flex flex-col gap-2">
      <Input
        aria-label="Folder path"
        value={value}
        placeholder="/path/to/your/music"
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            setBrowse(value);
          }
        }}
        className="font-mono text-xs"
      />
      <div className="flex flex-wrap gap-1">
        {listing?.shortcuts.map((s) => (
          <button
            key={s.path}
            type="button"
            onClick={() => go(s.path)}
            className="rounded border border-line px-2 py-0.5 text-xs text-muted hover:border-line-strong hover:text-fg"
          >
            {s.label}
          </button>
        ))}
      </div>
      <div className="h-64 overflow-auto rounded-md border border-line bg-bg" role="listbox" aria-label="Folders on the server">
        {q.isError ? <p className="p-3 text-sm text-danger">{q.error.message}</p> : null}
        {listing?.parent ? (
          <button type="button" onClick={() => go(listing.parent!)} className="flex w-full items-center gap-2 px-3 py-1.5 text-left text-sm text-muted hover:bg-raised">
            <CornerLeftUp size={14} /> ..
          </button>
        ) : null}
        {listing?.folders.map((f) => (
          <div key={f.path} className={cn('group flex items-center hover:bg-raised', value === f.path && 'bg-accent/10')}>
            <button
              type="button"
              role="option"
              aria-selected={value === f.path}
              disabled={!f.readable}
              onClick={() => onChange(f.path)}
              onDoubleClick={() => go(f.path)}
              className={cn('flex min-w-0 flex-1 items-center gap-2 px-3 py-1.5 text-left text-sm disabled:opacity-40', value === f.path && 'text-accent')}
            >
              {f.readable ? <Folder size={14} className="shrink-0 text-faint" /> : <Lock size={14} className="shrink-0 text-faint" />}
              <span className="truncate">{f.name}</span>
            </button>
            {f.readable ? (
              <button type="button" aria-label={`Open ${f.name}`} onClick={() => go(f.path)} className="mr-2 rounded p-0.5 text-faint hover:bg-line hover:text-fg">
                <ChevronRight size={14} />
              </button>
            ) : null}
          </div>
        ))}
        {listing?.folders.length === 0 ? <p className="p-3 text-sm text-faint">No sub-folders here.</p> : null}
      </div>
      <p className="text-xs text-faint">Click to choose, double-click (or ›) to open. Paths are on the server running Mismo Library.</p>
    </div>
  );
}

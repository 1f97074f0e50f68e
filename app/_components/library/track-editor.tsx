'use client';

import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { RotateCcw, Save } from 'lucide-react';
import type { Track } from '@/drizzle/schema';
import { formatKey, parseKey, type KeyNotation } from '@/server/music/keys';
import { UpdateTrackInput } from '@/server/tracks/schemas';
import { useTRPC } from '../../_trpc/client';
import { Button } from '../ui/button';
import { cn } from '../ui/cn';

type FieldId = 'title' | 'artist' | 'album' | 'albumArtist' | 'genre' | 'year' | 'trackNumber' | 'label' | 'remixer' | 'comment' | 'bpm' | 'key' | 'energyLevel';

const FIELDS: { id: FieldId; label: string; kind: 'text' | 'int' | 'number' | 'key' | 'long'; span?: 2; hint?: string }[] = [
  { id: 'title', label: 'Title', kind: 'text', span: 2 },
  { id: 'artist', label: 'Artist', kind: 'text', span: 2 },
  { id: 'album', label: 'Album', kind: 'text' },
  { id: 'albumArtist', label: 'Album artist', kind: 'text' },
  { id: 'genre', label: 'Genre', kind: 'text' },
  { id: 'label', label: 'Label', kind: 'text' },
  { id: 'year', label: 'Year', kind: 'int' },
  { id: 'trackNumber', label: 'Track #', kind: 'int' },
  { id: 'bpm', label: 'BPM', kind: 'number', hint: 'Overrides analysis and tags' },
  { id: 'key', label: 'Key', kind: 'key', hint: '8A, 1m, Am, F#…' },
  { id: 'energyLevel', label: 'Energy (1–10)', kind: 'int' },
  { id: 'remixer', label: 'Remixer', kind: 'text' },
  { id: 'comment', label: 'Comment', kind: 'long', span: 2 },
];

type Values = Record<FieldId, string>;

function valuesOf(t: Track, notation: KeyNotation): Values {
  const s = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  return {
    title: s(t.title),
    artist: s(t.artist),
    album: s(t.album),
    albumArtist: s(t.albumArtist),
    genre: s(t.genre),
    label: s(t.label),
    year: s(t.year),
    trackNumber: s(t.trackNumber),
    bpm: t.bpm ? String(Math.round(t.bpm * 100) / 100) : '',
    key: t.keyPitch !== null && t.keyMode !== null ? formatKey({ pitch: t.keyPitch, mode: t.keyMode as 0 | 1 }, notation) : '',
    energyLevel: s(t.energyLevel),
    remixer: s(t.remixer),
    comment: s(t.comment),
  };
}

/** The edit as the API wants it: only changed fields, numbers as numbers, blanks as null. */
function diff(before: Values, now: Values): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) {
    const v = now[f.id].trim();
    if (v === before[f.id].trim()) continue;
    if (f.kind === 'int' || f.kind === 'number') out[f.id] = v === '' ? null : Number(v);
    else out[f.id] = v === '' ? null : v;
  }
  return out;
}

/**
 * The tag form: edits stay local until saved (Ctrl+Enter), are checked with the same rules the
 * server applies, and are shown in the table at once (the save is optimistic, with undo).
 */
export function TrackEditor({
  track,
  notation,
  onSave,
  saving,
}: {
  track: Track;
  notation: KeyNotation;
  onSave: (patch: Record<string, unknown>) => Promise<unknown>;
  saving: boolean;
}) {
  const trpc = useTRPC();
  const original = useMemo(() => valuesOf(track, notation), [track, notation]);
  const [values, setValues] = useState(original);
  const [errors, setErrors] = useState<Partial<Record<FieldId, string>>>({});
  const genres = useQuery({ ...trpc.tracks.facets.queryOptions({}), staleTime: 60_000 });
  // another save (or a rescan) changed the track: follow it unless the DJ is mid-edit
  const [editing, setEditing] = useState(false);
  useEffect(() => {
    if (!editing) setValues(original);
  }, [original, editing]);

  const patch = diff(original, values);
  const dirty = Object.keys(patch).length > 0;

  const submit = async () => {
    const parsed = UpdateTrackInput.safeParse({ id: track.id, ...patch });
    if (!parsed.success) {
      const errs: Partial<Record<FieldId, string>> = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as FieldId | undefined;
        if (field && !errs[field]) errs[field] = issue.message === 'Invalid input: expected number, received NaN' ? 'must be a number' : issue.message;
      }
      setErrors(errs);
      return;
    }
    setErrors({});
    await onSave(patch);
    setEditing(false);
  };
  const revert = () => {
    setValues(original);
    setErrors({});
    setEditing(false);
  };

  const keyPreview = (() => {
    const k = parseKey(values.key);
    if (!values.key.trim() || !k) return null;
    return `${formatKey(k, 'camelot')} · ${formatKey(k, 'openkey')} · ${formatKey(k, 'musical')}`;
  })();

  return (
    <form
      aria-label="Edit tags"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          void submit();
        } else if (e.key === 'Escape' && dirty) {
          e.preventDefault();
          e.stopPropagation();
          revert();
        }
      }}
      className="flex flex-col gap-3"
    >
      <div className="grid grid-cols-2 gap-x-3 gap-y-2.5">
        {FIELDS.map((f) => {
          const id = `edit-${f.id}`;
          const changed = f.id in patch;
          const common = {
            id,
            name: f.id,
            value: values[f.id],
            'aria-invalid': !!errors[f.id],
            onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
              setEditing(true);
              setValues({ ...values, [f.id]: e.target.value });
              if (errors[f.id]) setErrors({ ...errors, [f.id]: undefined });
            },
            className: cn(
              'w-full rounded-md border bg-panel px-2.5 text-sm text-fg placeholder:text-faint focus:outline-none',
              errors[f.id] ? 'border-danger focus:border-danger' : changed ? 'border-accent/60 focus:border-accent' : 'border-line-strong focus:border-accent',
            ),
          };
          return (
            <div key={f.id} className={cn('flex min-w-0 flex-col gap-1', f.span === 2 && 'col-span-2')}>
              <label htmlFor={id} className="text-[11px] font-medium tracking-wide text-muted uppercase">
                {f.label}
                {changed ? <span className="ml-1 text-accent">•</span> : null}
              </label>
              {f.kind === 'long' ? (
                <textarea rows={2} {...common} className={cn(common.className, 'py-1.5')} />
              ) : (
                <input
                  {...common}
                  type="text"
                  inputMode={f.kind === 'int' ? 'numeric' : f.kind === 'number' ? 'decimal' : undefined}
                  list={f.id === 'genre' ? 'genre-options' : undefined}
                  autoComplete="off"
                  className={cn(common.className, 'h-8')}
                />
              )}
              {errors[f.id] ? (
                <p className="text-xs text-danger" role="alert">
                  {errors[f.id]}
                </p>
              ) : f.id === 'key' && keyPreview ? (
                <p className="text-xs text-faint">{keyPreview}</p>
              ) : f.hint ? (
                <p className="text-xs text-faint">{f.hint}</p>
              ) : null}
            </div>
          );
        })}
      </div>
      <datalist id="genre-options">
        {genres.data?.genres.map((g) => (
          <option key={g.value} value={g.value} />
        ))}
      </datalist>
      <div className="flex items-center justify-end gap-2">
        <span className="mr-auto text-xs text-faint">{dirty ? 'Ctrl+Enter saves · Esc reverts' : 'Changes are kept in the library, not written to the file'}</span>
        <Button size="sm" variant="ghost" onClick={revert} disabled={!dirty || saving}>
          <RotateCcw size={13} /> Revert
        </Button>
        <Button size="sm" variant="primary" type="submit" disabled={!dirty || saving}>
          <Save size={13} /> Save
        </Button>
      </div>
    </form>
  );
}

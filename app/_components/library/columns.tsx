'use client';

import { useCallback, useEffect, useState } from 'react';
import { AlertTriangle, CircleOff, Copy } from 'lucide-react';
import type { TrackRow } from '@/server/tracks/track-rows';
import type { KeyNotation } from '@/server/music/keys';
import type { SortField } from '@/server/tracks/schemas';
import { formatAgo, formatDuration } from '../format';
import { LOW_BPM_CONFIDENCE, LOW_KEY_CONFIDENCE } from '@/server/tracks/needs-look';
import { cn } from '../ui/cn';
import { Artwork } from './artwork';
import { EnergyMeter, formatBpm, KeyLabel, Stars } from './music-bits';

export interface CellContext {
  notation: KeyNotation;
  rate: (t: TrackRow, rating: number) => void;
}

export interface Column {
  id: string;
  label: string;
  /** Shown in the header instead of the label (the label still names it for screen readers). */
  short?: string;
  width: number;
  min: number;
  /** Grows and shrinks with the window (text columns); the others keep their width. */
  elastic?: boolean;
  align?: 'right' | 'center';
  sort?: SortField;
  /** `i` is the row's index in the table (a playlist's columns read their entry by it). */
  cell: (t: TrackRow, c: CellContext, i: number) => React.ReactNode;
  /** Plain text for the tooltip. */
  text?: (t: TrackRow) => string | null;
}

const MISSING_REASON: Record<string, string> = { offline: 'drive offline', deleted: 'file gone', unreadable: 'unreadable', directory_removed: 'folder removed' };

const dim = (v: React.ReactNode) => <span className="text-muted">{v}</span>;
const SOURCE = { user: 'set by you', builtin: 'built-in analyzer', server: 'analysis server', tag: 'from the file tag' } as const;
/** An analysed value its source is unsure of is drawn dimmed (tags and the DJ's own values are not). */
const unsure = (source: TrackRow['bpmSource'], confidence: number | null, below: number) =>
  (source === 'builtin' || source === 'server') && confidence !== null && confidence < below;
const sourceTitle = (source: TrackRow['bpmSource'], confidence: number | null) =>
  source ? `${SOURCE[source]}${confidence !== null ? ` · ${Math.round(confidence * 100)} % sure` : ''}` : undefined;

export const COLUMNS: Column[] = [
  { id: 'art', label: 'Artwork', short: '', width: 40, min: 40, cell: (t) => <Artwork id={t.artworkId} size={26} /> },
  {
    id: 'title',
    elastic: true,
    label: 'Title',
    width: 260,
    min: 120,
    sort: 'title',
    text: (t) => [t.title ?? t.fileName, t.isBroken ? t.brokenReason : null].filter(Boolean).join(' — '),
    cell: (t) => (
      <span className="flex min-w-0 items-center gap-1.5">
        {t.isBroken ? <AlertTriangle size={13} className="shrink-0 text-danger" aria-label="Broken" /> : null}
        {t.isMissing ? <CircleOff size={13} className="shrink-0 text-warn" aria-label="Missing" /> : null}
        {t.duplicateGroupId ? <Copy size={12} className="shrink-0 text-info" aria-label="Has duplicates" /> : null}
        <span className="truncate font-medium">{t.title ?? t.fileName}</span>
        {t.isBroken && t.brokenReason ? <span className="truncate text-xs text-danger">{t.brokenReason}</span> : null}
      </span>
    ),
  },
  { id: 'artist', elastic: true, label: 'Artist', width: 180, min: 80, sort: 'artist', text: (t) => t.artist, cell: (t) => t.artist },
  { id: 'album', elastic: true, label: 'Album', width: 160, min: 80, sort: 'album', text: (t) => t.album, cell: (t) => dim(t.album) },
  { id: 'genre', elastic: true, label: 'Genre', width: 110, min: 60, sort: 'genre', text: (t) => t.genre, cell: (t) => dim(t.genre) },
  {
    id: 'bpm',
    label: 'BPM',
    width: 64,
    min: 48,
    align: 'right',
    sort: 'bpm',
    cell: (t) => (
      <span className={cn('tabular-nums', unsure(t.bpmSource, t.bpmConfidence, LOW_BPM_CONFIDENCE) && 'opacity-45')} title={sourceTitle(t.bpmSource, t.bpmConfidence)}>
        {formatBpm(t.bpm)}
      </span>
    ),
  },
  {
    id: 'key',
    label: 'Key',
    width: 56,
    min: 44,
    sort: 'key',
    cell: (t, c) => (
      <span className={cn(unsure(t.keySource, t.keyConfidence, LOW_KEY_CONFIDENCE) && 'opacity-45')} title={sourceTitle(t.keySource, t.keyConfidence)}>
        <KeyLabel pitch={t.keyPitch} mode={t.keyMode} notation={c.notation} />
      </span>
    ),
  },
  { id: 'energy', label: 'Energy', width: 72, min: 56, sort: 'energy', cell: (t) => <EnergyMeter value={t.energyLevel} /> },
  { id: 'rating', label: 'Rating', width: 92, min: 86, sort: 'rating', cell: (t, c) => <Stars value={t.rating} onChange={(v) => c.rate(t, v)} size={11} /> },
  { id: 'duration', label: 'Time', width: 60, min: 48, align: 'right', sort: 'duration', cell: (t) => dim(<span className="tabular-nums">{formatDuration(t.durationMs)}</span>) },
  {
    id: 'format',
    label: 'Format',
    width: 96,
    min: 64,
    sort: 'format',
    cell: (t) => (
      <span className="text-xs text-muted">
        <span className="uppercase">{t.format}</span>
        {t.bitrate ? <span className="ml-1 text-faint">{Math.round(t.bitrate / 1000)}k</span> : null}
      </span>
    ),
  },
  { id: 'dateAdded', label: 'Added', width: 96, min: 64, sort: 'dateAdded', cell: (t) => <span className="text-xs text-faint">{formatAgo(t.dateAdded)}</span> },
  { id: 'plays', label: 'Plays', width: 56, min: 44, align: 'right', sort: 'playCount', cell: (t) => dim(<span className="tabular-nums">{t.playCount || ''}</span>) },
  // off by default
  {
    id: 'missing',
    label: 'Missing',
    width: 170,
    min: 100,
    text: (t) => (t.isMissing ? `${MISSING_REASON[t.missingReason ?? ''] ?? 'missing'}${t.missingSince ? ` since ${new Date(t.missingSince).toLocaleString()}` : ''}` : null),
    cell: (t) =>
      t.isMissing ? (
        <span className="text-xs">
          <span className={t.missingReason === 'offline' ? 'text-info' : 'text-warn'}>{MISSING_REASON[t.missingReason ?? ''] ?? 'missing'}</span>
          {t.missingSince ? <span className="text-faint"> · {formatAgo(t.missingSince)}</span> : null}
        </span>
      ) : null,
  },
  { id: 'year', label: 'Year', width: 56, min: 44, align: 'right', sort: 'year', cell: (t) => dim(t.year) },
  { id: 'albumArtist', elastic: true, label: 'Album artist', width: 160, min: 80, sort: 'albumArtist', text: (t) => t.albumArtist, cell: (t) => dim(t.albumArtist) },
  { id: 'label', elastic: true, label: 'Label', width: 140, min: 60, text: (t) => t.label, cell: (t) => dim(t.label) },
  { id: 'comment', elastic: true, label: 'Comment', width: 200, min: 80, text: (t) => t.comment, cell: (t) => dim(t.comment) },
  { id: 'trackNumber', label: 'Track #', short: '#', width: 44, min: 36, align: 'right', sort: 'trackNumber', cell: (t) => dim(t.trackNumber) },
  { id: 'fileName', elastic: true, label: 'File name', width: 240, min: 80, sort: 'fileName', text: (t) => t.relPath, cell: (t) => dim(t.fileName) },
  { id: 'sampleRate', label: 'Sample rate', short: 'kHz', width: 60, min: 44, align: 'right', cell: (t) => dim(t.sampleRate ? (t.sampleRate / 1000).toString() : '') },
  { id: 'bitrate', label: 'Bitrate', width: 72, min: 56, align: 'right', sort: 'bitrate', cell: (t) => dim(t.bitrate ? `${Math.round(t.bitrate / 1000)}k` : '') },
  {
    id: 'lastPlayed',
    label: 'Last played',
    width: 100,
    min: 64,
    sort: 'lastPlayed',
    cell: (t) => <span className="text-xs text-faint">{t.lastPlayedAt ? formatAgo(t.lastPlayedAt) : ''}</span>,
  },
];

const DEFAULT_VISIBLE = ['art', 'title', 'artist', 'album', 'genre', 'bpm', 'key', 'energy', 'rating', 'duration', 'format', 'dateAdded', 'plays'];
const STORE = 'mismo.library.columns.v1';

interface Prefs {
  visible: string[];
  widths: Record<string, number>;
}

/**
 * Pixel widths for a table `available` px wide: elastic columns share out spare room in
 * proportion to their width, and give room back (down to their minimum) when it is tight.
 */
export function layoutColumns<C extends { width: number; min: number; elastic?: boolean }>(columns: C[], available: number): number[] {
  const widths = columns.map((c) => c.width);
  const total = widths.reduce((a, b) => a + b, 0);
  const elastic = columns.map((c, i) => (c.elastic ? i : -1)).filter((i) => i >= 0);
  if (!available || !elastic.length || total === available) return widths;
  if (total < available) {
    const weight = elastic.reduce((s, i) => s + widths[i]!, 0);
    const extra = available - total;
    for (const i of elastic) widths[i] = widths[i]! + (extra * columns[i]!.width) / weight;
  } else {
    const slack = elastic.reduce((s, i) => s + widths[i]! - columns[i]!.min, 0);
    const cut = Math.min(slack, total - available);
    if (slack > 0) for (const i of elastic) widths[i] = widths[i]! - (cut * (widths[i]! - columns[i]!.min)) / slack;
  }
  return widths.map((w) => Math.floor(w));
}

/** Which columns show, in what order and how wide; remembered in this browser. */
export function useColumnPrefs() {
  const [prefs, setPrefs] = useState<Prefs>({ visible: DEFAULT_VISIBLE, widths: {} });
  useEffect(() => {
    try {
      const saved = JSON.parse(localStorage.getItem(STORE) ?? 'null') as Prefs | null;
      if (saved && Array.isArray(saved.visible)) setPrefs({ visible: saved.visible.filter((id) => COLUMNS.some((c) => c.id === id)), widths: saved.widths ?? {} });
    } catch {
      // unreadable: keep the defaults
    }
  }, []);
  const save = useCallback((change: (p: Prefs) => Prefs, persist = true) => {
    setPrefs((p) => {
      const next = change(p);
      if (persist)
        try {
          localStorage.setItem(STORE, JSON.stringify(next));
        } catch {
          // private mode or full: the choice lasts for this page only
        }
      return next;
    });
  }, []);
  // a column the DJ sized keeps that size; the others share out the room
  const columns = prefs.visible
    .map((id) => COLUMNS.find((c) => c.id === id)!)
    .map((c) => ({ ...c, width: Math.max(c.min, prefs.widths[c.id] ?? c.width), elastic: c.elastic && prefs.widths[c.id] === undefined }));
  return {
    columns,
    visible: prefs.visible,
    toggle: (id: string) =>
      save((p) => {
        const order = COLUMNS.map((c) => c.id);
        const visible = p.visible.includes(id) ? p.visible.filter((v) => v !== id) : [...p.visible, id].sort((a, b) => order.indexOf(a) - order.indexOf(b));
        return visible.some((v) => v !== 'art') ? { ...p, visible } : p;
      }),
    /** Live while dragging; remembered when `done`. */
    resize: (id: string, width: number, done: boolean) => save((p) => ({ ...p, widths: { ...p.widths, [id]: Math.round(width) } }), done),
    reset: () => save(() => ({ visible: DEFAULT_VISIBLE, widths: {} })),
  };
}

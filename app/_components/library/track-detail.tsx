'use client';

import { useState } from 'react';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { AlertTriangle, CircleOff, Copy, Download, ExternalLink, Pause, Play, X } from 'lucide-react';
import type { AppRouter } from '@/server/trpc/router';
import { useTRPC } from '../../_trpc/client';
import { useKeyNotation } from '../../_hooks/use-key-notation';
import { formatAgo, formatBitrate, formatBytes, formatDuration, formatSampleRate } from '../format';
import { Badge } from '../ui/badge';
import { cn } from '../ui/cn';
import { Artwork } from './artwork';
import { EnergyMeter, formatBpm, KeyLabel, Stars } from './music-bits';
import { SeekBar, usePlayer } from './player';
import { TrackEditor } from './track-editor';
import { useTrackUpdate } from './use-track-update';
import { HotCueEditor } from './hot-cues';
import { StemsPanel } from './stems';
import { TrackWaveform } from './waveform';
import { Tabs } from '../ui/tabs';

export type TrackDetailData = inferRouterOutputs<AppRouter>['tracks']['byId'];

const TABS = ['Tags', 'File', 'Duplicates', 'Cues'] as const;

/**
 * Everything about one track: artwork, a player, editable tags, file facts, its duplicates, cues
 * and playlists. `panel` is the library's side panel (tabs); `page` lays it all out at once.
 */
export function TrackDetail({ id, variant, onClose, onOpen }: { id: string; variant: 'panel' | 'page'; onClose?: () => void; onOpen?: (id: string) => void }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.tracks.byId.queryOptions({ id }));
  const [tab, setTab] = useState<(typeof TABS)[number]>('Tags');
  const notation = useKeyNotation();
  const update = useTrackUpdate();

  if (q.isError)
    return (
      <div className="flex flex-col items-start gap-3 p-5 text-sm">
        <p className="text-danger" role="alert">
          {q.error.message}
        </p>
        {onClose ? (
          <button type="button" onClick={onClose} className="text-muted underline">
            Close
          </button>
        ) : null}
      </div>
    );
  if (!q.data) return <div className="m-5 h-24 animate-pulse rounded-lg bg-panel-2" aria-label="Loading track" />;
  const t = q.data;
  const sections = {
    Tags: <TrackEditor track={t} notation={notation} saving={update.pending} onSave={(patch) => update.save(t, patch)} />,
    File: <FileFacts t={t} />,
    Duplicates: <Duplicates t={t} onOpen={onOpen} />,
    Cues: <CuesAndPlaylists t={t} />,
  };

  const header = (
    <Header
      t={t}
      variant={variant}
      onClose={onClose}
      rate={(rating) => void update.save(t, { rating }, { message: rating ? `Rated ${rating} ★` : 'Rating cleared' })}
      notation={notation}
    />
  );
  if (variant === 'page')
    return (
      <div className="mx-auto flex max-w-6xl flex-col gap-6 p-6">
        {header}
        <TrackWaveform track={t} notation={notation} />
        <div className="grid gap-6 lg:grid-cols-2">
          <Card title="Hot cues">
            <HotCueEditor trackId={t.id} />
          </Card>
          <Card title="Stems">
            <StemsPanel trackId={t.id} />
          </Card>
        </div>
        <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
          <Card title="Tags">{sections.Tags}</Card>
          <div className="flex flex-col gap-6">
            <Card title="File">{sections.File}</Card>
            <Card title={`Duplicates${t.duplicates.length ? ` (${t.duplicates.length})` : ''}`}>{sections.Duplicates}</Card>
            <Card title="Playlists">
              <InPlaylists t={t} />
            </Card>
          </div>
        </div>
      </div>
    );
  return (
    <div className="flex h-full flex-col">
      <div className="flex flex-col gap-3 border-b border-line p-4">
        {header}
        <TrackWaveform track={t} notation={notation} compact />
      </div>
      <Tabs
        label="Track details"
        className="px-3"
        tabClassName="px-2.5 text-xs font-medium"
        value={tab}
        onChange={setTab}
        items={TABS.map((name) => ({
          id: name,
          label: (
            <>
              {name}
              {name === 'Duplicates' && t.duplicates.length ? <span className="ml-1 text-faint">{t.duplicates.length}</span> : null}
            </>
          ),
        }))}
      />
      <div role="tabpanel" aria-label={tab} className="min-h-0 flex-1 overflow-y-auto p-4">
        {sections[tab]}
      </div>
    </div>
  );
}

function Card({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="rounded-lg border border-line bg-panel p-4" aria-label={title}>
      <h2 className="mb-3 text-[11px] font-semibold tracking-wider text-muted uppercase">{title}</h2>
      {children}
    </section>
  );
}

function Header({
  t,
  variant,
  onClose,
  rate,
  notation,
}: {
  t: TrackDetailData;
  variant: 'panel' | 'page';
  onClose?: () => void;
  rate: (v: number) => void;
  notation: ReturnType<typeof useKeyNotation>;
}) {
  const player = usePlayer();
  const current = player.track?.id === t.id;
  const big = variant === 'page';
  return (
    <div className={cn('flex gap-4', big && 'gap-6')}>
      <Artwork id={t.artworkId} size={big ? 208 : 96} full={big} className={big ? 'rounded-lg shadow-2xl shadow-black/50' : 'rounded-md'} />
      <div className="flex min-w-0 flex-1 flex-col">
        <div className="flex items-start gap-2">
          <div className="min-w-0 flex-1">
            <h1 className={cn('font-semibold tracking-tight break-words', big ? 'text-3xl' : 'text-base')} data-testid="track-title">
              {t.title ?? t.fileName}
            </h1>
            <p className={cn('truncate text-muted', big ? 'mt-1 text-lg' : 'text-sm')}>{t.artist ?? 'Unknown artist'}</p>
            <p className="truncate text-xs text-faint">{[t.album, t.year, t.label].filter(Boolean).join(' · ')}</p>
          </div>
          {variant === 'panel' ? (
            <div className="flex shrink-0 items-center gap-0.5">
              <Link href={`/library/tracks/${t.id}`} aria-label="Open track page" title="Open track page" className="rounded p-1.5 text-muted hover:bg-raised hover:text-fg">
                <ExternalLink size={15} />
              </Link>
              <button type="button" onClick={onClose} aria-label="Close track panel" className="rounded p-1.5 text-muted hover:bg-raised hover:text-fg">
                <X size={16} />
              </button>
            </div>
          ) : null}
        </div>
        <div className="mt-2 flex flex-wrap items-center gap-x-3 gap-y-1.5 text-sm">
          {t.bpm ? (
            <span className="tabular-nums">
              {formatBpm(t.bpm)} <span className="text-xs text-faint">BPM</span>
            </span>
          ) : null}
          <KeyLabel pitch={t.keyPitch} mode={t.keyMode} notation={notation} />
          <EnergyMeter value={t.energyLevel} />
          <Stars value={t.rating} onChange={rate} size={big ? 16 : 13} />
          {t.isMissing ? (
            <Badge tone="warn">
              <CircleOff size={11} /> Missing
            </Badge>
          ) : null}
          {t.isBroken ? (
            <Badge tone="danger">
              <AlertTriangle size={11} /> Broken
            </Badge>
          ) : null}
        </div>
        <div className={cn('mt-auto flex items-center gap-3 pt-3', big && 'max-w-xl')}>
          <button
            type="button"
            onClick={() => player.toggle(t)}
            disabled={t.isMissing}
            aria-label={current && player.playing ? 'Pause preview' : 'Play preview'}
            className="flex h-9 w-9 shrink-0 items-center justify-center rounded-full bg-accent text-accent-ink hover:bg-accent-strong disabled:opacity-40"
          >
            {current && player.playing ? <Pause size={16} fill="currentColor" /> : <Play size={16} fill="currentColor" className="ml-0.5" />}
          </button>
          <span className="w-10 text-right text-xs text-muted tabular-nums">{formatDuration(current ? player.currentMs : 0)}</span>
          <SeekBar
            currentMs={current ? player.currentMs : 0}
            durationMs={current ? player.durationMs : (t.durationMs ?? 0)}
            onSeek={(ms) => (current ? player.seek(ms) : player.toggle(t))}
            className="flex-1"
          />
          <span className="w-10 text-xs text-muted tabular-nums">{formatDuration(t.durationMs)}</span>
        </div>
        {current && player.error ? <p className="mt-1 text-xs text-danger">{player.error}</p> : null}
      </div>
    </div>
  );
}

function Fact({ label, children, mono }: { label: string; children: React.ReactNode; mono?: boolean }) {
  if (children === null || children === undefined || children === '') return null;
  return (
    <>
      <dt className="text-muted">{label}</dt>
      <dd className={cn('min-w-0 break-words', mono && 'font-mono text-xs')}>{children}</dd>
    </>
  );
}

function FileFacts({ t }: { t: TrackDetailData }) {
  return (
    <div className="flex flex-col gap-3 text-sm">
      <dl className="grid grid-cols-[7.5rem_minmax(0,1fr)] gap-x-3 gap-y-1.5">
        <Fact label="Path" mono>
          {t.absPath}
        </Fact>
        <Fact label="Folder">{t.directoryName}</Fact>
        <Fact label="Format">
          {[t.format?.toUpperCase(), t.codec && t.codec.toUpperCase() !== t.format?.toUpperCase() ? t.codec : null, t.isLossless ? 'lossless' : null].filter(Boolean).join(' · ')}
        </Fact>
        <Fact label="Bitrate">{formatBitrate(t.bitrate)}</Fact>
        <Fact label="Sample rate">{formatSampleRate(t.sampleRate, t.bitDepth)}</Fact>
        <Fact label="Channels">{t.channels === 2 ? 'Stereo' : t.channels === 1 ? 'Mono' : t.channels}</Fact>
        <Fact label="Duration">{formatDuration(t.durationMs)}</Fact>
        <Fact label="Size">{formatBytes(t.sizeBytes)}</Fact>
        <Fact label="Modified">{new Date(t.mtimeMs).toLocaleString()}</Fact>
        <Fact label="Added">{new Date(t.dateAdded).toLocaleString()}</Fact>
        <Fact label="Plays">{t.playCount ? `${t.playCount}${t.lastPlayedAt ? ` · last ${formatAgo(t.lastPlayedAt)}` : ''}` : 'never played'}</Fact>
        <Fact label="Tags from">{t.metadataSource === 'filename' ? 'the file name (no tags)' : t.metadataSource}</Fact>
        <Fact label="Edited">{t.editedFields.length ? t.editedFields.join(', ') : null}</Fact>
        <Fact label="Audio hash" mono>
          {t.audioHash}
        </Fact>
        <Fact label="Broken">{t.isBroken ? (t.brokenReason ?? 'unreadable') : null}</Fact>
        <Fact label="Missing since">{t.isMissing && t.missingSince ? new Date(t.missingSince).toLocaleString() : null}</Fact>
      </dl>
      {!t.isMissing ? (
        <a href={`/api/tracks/${t.id}/audio?download=1`} className="inline-flex items-center gap-1.5 self-start text-xs text-accent hover:underline">
          <Download size={13} /> Download the file
        </a>
      ) : null}
    </div>
  );
}

function Duplicates({ t, onOpen }: { t: TrackDetailData; onOpen?: (id: string) => void }) {
  if (!t.duplicates.length) return <p className="text-sm text-muted">No other file has this audio.</p>;
  return (
    <div className="flex flex-col gap-2 text-sm">
      <p className="text-xs text-muted">The same audio (tags aside) is also in:</p>
      <ul className="flex flex-col gap-1.5" aria-label="Duplicates">
        {t.duplicates.map((d) => (
          <li key={d.id} className="flex items-center gap-2 rounded-md border border-line bg-panel-2 px-3 py-2">
            <Copy size={13} className="shrink-0 text-info" />
            <div className="min-w-0 flex-1">
              {onOpen ? (
                <button type="button" className="block max-w-full truncate text-left hover:text-accent" onClick={() => onOpen(d.id)} title={d.relPath}>
                  {d.relPath}
                </button>
              ) : (
                <Link className="block truncate hover:text-accent" href={`/library/tracks/${d.id}`} title={d.relPath}>
                  {d.relPath}
                </Link>
              )}
              <div className="text-xs text-faint">{[d.directoryName, d.format?.toUpperCase(), formatBitrate(d.bitrate), formatBytes(d.sizeBytes)].filter(Boolean).join(' · ')}</div>
            </div>
            {d.isMissing ? <Badge tone="warn">missing</Badge> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

function CuesAndPlaylists({ t }: { t: TrackDetailData }) {
  return (
    <div className="flex flex-col gap-4 text-sm">
      <HotCueEditor trackId={t.id} />
      <InPlaylists t={t} />
    </div>
  );
}

function InPlaylists({ t }: { t: TrackDetailData }) {
  if (!t.playlists.length) return <p className="text-sm text-muted">In no playlist yet.</p>;
  return (
    <div>
      <h3 className="mb-1 text-xs text-muted">In playlists</h3>
      <ul className="flex flex-wrap gap-1.5">
        {t.playlists.map((p) => (
          <li key={p.id}>
            <Badge>{p.name}</Badge>
          </li>
        ))}
      </ul>
    </div>
  );
}

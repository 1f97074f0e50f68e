'use client';

import { useEffect, useRef, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ChevronDown, X } from 'lucide-react';
import { formatKey, type KeyNotation } from '@/server/music/keys';
import { useTRPC } from '../../_trpc/client';
import { formatCount } from '../format';
import { cn } from '../ui/cn';
import { keyColor, Stars } from './music-bits';
import type { Filters, LibraryView } from './view-state';

type PatchFilters = (patch: Partial<Filters>) => void;

/** key_sort (Camelot number × 2 + mode) back to a key. */
const keyOfSort = (v: number) => {
  const camelot = Math.floor(v / 2);
  return { camelot, mode: (v % 2) as 0 | 1, code: `${camelot}${v % 2 === 1 ? 'B' : 'A'}` };
};
const CAMELOT_MAJOR = [8, 3, 10, 5, 12, 7, 2, 9, 4, 11, 6, 1];
const CAMELOT_MINOR = [5, 12, 7, 2, 9, 4, 11, 6, 1, 8, 3, 10];
const pitchOf = (camelot: number, mode: 0 | 1) => (mode === 1 ? CAMELOT_MAJOR : CAMELOT_MINOR).indexOf(camelot);

const DAY = 86_400_000;
const ADDED = [
  { label: 'Any time', days: 0 },
  { label: 'Last 24 hours', days: 1 },
  { label: 'Last 7 days', days: 7 },
  { label: 'Last 30 days', days: 30 },
  { label: 'Last 90 days', days: 90 },
  { label: 'Last year', days: 365 },
];

/** Narrowing by facets of the current result: each section counts what picking it would give. */
export function FilterPanel({ view, q, patchFilters, notation }: { view: LibraryView; q: string; patchFilters: PatchFilters; notation: KeyNotation }) {
  const setFilter = <K extends keyof Filters>(key: K, value: Filters[K] | undefined) => patchFilters({ [key]: value });
  const trpc = useTRPC();
  const f = view.filters;
  const facets = useQuery({
    ...trpc.tracks.facets.queryOptions({ filters: { ...f, q: q.trim() || undefined } }),
    placeholderData: keepPreviousData,
    staleTime: 10_000,
    // counted while the server was refreshing its numbers: ask again shortly
    refetchInterval: (query) => (query.state.data?.stale ? 1_000 : false),
  });
  const d = facets.data;
  const [now] = useState(Date.now);
  const preset = f.addedFrom === undefined ? 0 : (ADDED.find((a) => a.days && Math.abs(now - a.days * DAY - f.addedFrom!) < DAY)?.days ?? -1);
  const toggleIn = <T,>(list: T[] | undefined, v: T) => (list?.includes(v) ? list.filter((x) => x !== v) : [...(list ?? []), v]);

  return (
    <aside
      aria-label="Filters"
      className={cn('flex w-64 shrink-0 flex-col overflow-y-auto border-r border-line bg-panel/40 pb-8 text-sm', facets.isPlaceholderData && 'opacity-80')}
    >
      <Section title="Show">
        <div className="flex flex-wrap gap-1.5">
          <Chip on={f.lossless === true} onClick={() => setFilter('lossless', f.lossless ? undefined : true)} count={d?.lossless}>
            Lossless
          </Chip>
          <Chip on={f.analyzed === false} onClick={() => setFilter('analyzed', f.analyzed === false ? undefined : false)} count={d ? d.total - d.analyzed : undefined}>
            Not analysed
          </Chip>
          <Chip on={f.needsLook === true} onClick={() => setFilter('needsLook', f.needsLook ? undefined : true)} count={d?.needsLook} tone="warn">
            Needs a look
          </Chip>
          <Chip on={f.duplicate === true} onClick={() => setFilter('duplicate', f.duplicate ? undefined : true)} count={d?.duplicates}>
            Duplicates
          </Chip>
          <Chip on={f.missing === true} onClick={() => setFilter('missing', f.missing ? undefined : true)} count={d?.missing} tone="warn">
            Missing
          </Chip>
          <Chip on={f.broken === true} onClick={() => setFilter('broken', f.broken ? undefined : true)} count={d?.broken} tone="danger">
            Broken
          </Chip>
        </div>
      </Section>

      <Section title="BPM" active={f.bpmMin !== undefined || f.bpmMax !== undefined} onClear={() => patchFilters({ bpmMin: undefined, bpmMax: undefined })}>
        <Histogram
          buckets={(d?.bpmHistogram ?? []).filter((b) => b.value >= 60 && b.value < 200)}
          step={2}
          lo={f.bpmMin}
          hi={f.bpmMax}
          onPick={(bpmMin, bpmMax) => patchFilters({ bpmMin, bpmMax })}
          label="BPM"
        />
        <RangeInputs label="BPM" min={30} max={300} step={0.5} lo={f.bpmMin} hi={f.bpmMax} onLo={(v) => setFilter('bpmMin', v)} onHi={(v) => setFilter('bpmMax', v)} />
        <label className="mt-2 flex items-center gap-2 text-xs text-muted">
          <input type="checkbox" className="accent-[var(--color-accent)]" checked={!!f.bpmHalfDouble} onChange={(e) => setFilter('bpmHalfDouble', e.target.checked || undefined)} />
          Include half and double tempo
        </label>
      </Section>

      <Section title="Key" active={!!f.keys?.length} onClear={() => setFilter('keys', undefined)}>
        <div className="grid grid-cols-6 gap-1" role="group" aria-label="Keys">
          {[1, 0].flatMap((mode) =>
            Array.from({ length: 12 }, (_, i) => {
              const camelot = i + 1;
              const m = mode as 0 | 1;
              const code = `${camelot}${m === 1 ? 'B' : 'A'}`;
              const count = d?.keys.find((k) => keyOfSort(k.value).code === code)?.count ?? 0;
              const on = f.keys?.includes(code) ?? false;
              const pitch = pitchOf(camelot, m);
              return (
                <button
                  key={code}
                  type="button"
                  aria-pressed={on}
                  title={`${formatKey({ pitch, mode: m }, 'musical')} · ${formatCount(count)} tracks`}
                  onClick={() => setFilter('keys', toggleIn(f.keys, code))}
                  className={cn(
                    'flex h-9 flex-col items-center justify-center rounded border font-mono text-[11px] leading-none',
                    on ? 'border-transparent text-bg' : 'border-line bg-panel hover:border-line-strong',
                    !count && !on && 'opacity-35',
                  )}
                  style={on ? { background: keyColor(pitch, m) } : { color: keyColor(pitch, m) }}
                >
                  <span className="font-semibold">{formatKey({ pitch, mode: m }, notation)}</span>
                  <span className={cn('mt-0.5 text-[9px]', on ? 'text-bg/70' : 'text-faint')}>{count || ''}</span>
                </button>
              );
            }),
          )}
        </div>
      </Section>

      <Facet
        title="Genre"
        items={d?.genres}
        selected={f.genres ?? []}
        onToggle={(g) => setFilter('genres', toggleIn(f.genres, g))}
        onClear={() => setFilter('genres', undefined)}
      />
      <Facet
        title="Artist"
        items={d?.artists}
        selected={f.artist ? [f.artist] : []}
        onToggle={(a) => setFilter('artist', f.artist?.toLowerCase() === a.toLowerCase() ? undefined : a)}
        onClear={() => setFilter('artist', undefined)}
        collapsed
      />

      <Section title="Year" active={f.yearMin !== undefined || f.yearMax !== undefined} onClear={() => patchFilters({ yearMin: undefined, yearMax: undefined })}>
        <Histogram
          buckets={[...(d?.years ?? [])].sort((a, b) => a.value - b.value)}
          step={1}
          lo={f.yearMin}
          hi={f.yearMax}
          onPick={(yearMin, yearMax) => patchFilters({ yearMin, yearMax })}
          label="year"
          inclusive
        />
        <RangeInputs label="Year" min={1900} max={2100} step={1} lo={f.yearMin} hi={f.yearMax} onLo={(v) => setFilter('yearMin', v)} onHi={(v) => setFilter('yearMax', v)} />
      </Section>

      <Section title="Rating" active={!!f.ratingMin} onClear={() => setFilter('ratingMin', undefined)}>
        <div className="flex items-center gap-2 text-xs text-muted">
          At least <Stars value={f.ratingMin ?? 0} onChange={(v) => setFilter('ratingMin', v || undefined)} size={14} />
        </div>
      </Section>

      <Section title="Energy" active={f.energyMin !== undefined || f.energyMax !== undefined} onClear={() => patchFilters({ energyMin: undefined, energyMax: undefined })}>
        <RangeInputs label="Energy" min={1} max={10} step={1} lo={f.energyMin} hi={f.energyMax} onLo={(v) => setFilter('energyMin', v)} onHi={(v) => setFilter('energyMax', v)} />
      </Section>

      <Section title="Format" active={!!f.formats?.length} onClear={() => setFilter('formats', undefined)}>
        <div className="flex flex-wrap gap-1.5">
          {(d?.formats ?? []).map((x) => (
            <Chip key={x.value} on={f.formats?.includes(x.value) ?? false} onClick={() => setFilter('formats', toggleIn(f.formats, x.value))} count={x.count}>
              <span className="uppercase">{x.value}</span>
            </Chip>
          ))}
        </div>
      </Section>

      <Section title="Added" active={f.addedFrom !== undefined} onClear={() => setFilter('addedFrom', undefined)}>
        <select
          aria-label="Added"
          className="h-8 w-full rounded-md border border-line-strong bg-panel px-2 text-sm"
          value={preset}
          onChange={(e) => {
            const days = Number(e.target.value);
            setFilter('addedFrom', days > 0 ? Date.now() - days * DAY : undefined);
          }}
        >
          {ADDED.map((a) => (
            <option key={a.days} value={a.days}>
              {a.label}
            </option>
          ))}
          {preset === -1 ? <option value={-1}>Since {new Date(f.addedFrom!).toLocaleDateString()}</option> : null}
        </select>
      </Section>
    </aside>
  );
}

function Section({ title, children, active, onClear, collapsed }: { title: string; children: React.ReactNode; active?: boolean; onClear?: () => void; collapsed?: boolean }) {
  const [open, setOpen] = useState(!collapsed);
  return (
    <section className="border-b border-line/70 px-4 py-3">
      <div className="mb-2 flex items-center justify-between">
        <button
          type="button"
          onClick={() => setOpen(!open)}
          className="flex items-center gap-1 text-[11px] font-semibold tracking-wider text-muted uppercase hover:text-fg"
          aria-expanded={open}
        >
          <ChevronDown size={12} className={cn('transition-transform', !open && '-rotate-90')} />
          {title}
          {active ? <span className="ml-1 h-1.5 w-1.5 rounded-full bg-accent" aria-label="active" /> : null}
        </button>
        {active && onClear ? (
          <button type="button" onClick={onClear} className="text-[11px] text-faint hover:text-fg" aria-label={`Clear ${title}`}>
            Clear
          </button>
        ) : null}
      </div>
      {open ? children : null}
    </section>
  );
}

function Chip({ on, onClick, count, children, tone }: { on: boolean; onClick: () => void; count?: number; children: React.ReactNode; tone?: 'warn' | 'danger' }) {
  return (
    <button
      type="button"
      aria-pressed={on}
      onClick={onClick}
      className={cn(
        'inline-flex h-7 items-center gap-1.5 rounded-full border px-2.5 text-xs transition-colors',
        on
          ? tone === 'danger'
            ? 'border-danger/60 bg-danger/15 text-danger'
            : tone === 'warn'
              ? 'border-warn/60 bg-warn/15 text-warn'
              : 'border-accent/60 bg-accent/15 text-accent-strong'
          : 'border-line-strong text-muted hover:text-fg',
      )}
    >
      {children}
      {count !== undefined ? <span className="text-faint tabular-nums">{formatCount(count)}</span> : null}
    </button>
  );
}

function Facet({
  title,
  items,
  selected,
  onToggle,
  onClear,
  collapsed,
}: {
  title: string;
  items: { value: string; count: number }[] | undefined;
  selected: string[];
  onToggle: (v: string) => void;
  onClear: () => void;
  collapsed?: boolean;
}) {
  const [find, setFind] = useState('');
  const sel = selected.map((s) => s.toLowerCase());
  const list = (items ?? []).filter((i) => !find || i.value.toLowerCase().includes(find.toLowerCase()));
  // a selected value the facet no longer lists (e.g. after another filter) stays visible to unpick
  for (const s of selected) if (!list.some((i) => i.value.toLowerCase() === s.toLowerCase())) list.unshift({ value: s, count: 0 });
  return (
    <Section title={title} active={selected.length > 0} onClear={onClear} collapsed={collapsed}>
      {(items?.length ?? 0) > 10 ? (
        <input
          value={find}
          onChange={(e) => setFind(e.target.value)}
          placeholder={`Find ${title.toLowerCase()}…`}
          aria-label={`Find ${title.toLowerCase()}`}
          className="mb-2 h-7 w-full rounded border border-line bg-panel px-2 text-xs placeholder:text-faint focus:border-accent focus:outline-none"
        />
      ) : null}
      <ul className="max-h-56 overflow-y-auto" aria-label={title}>
        {list.map((i) => {
          const on = sel.includes(i.value.toLowerCase());
          return (
            <li key={i.value}>
              <label className={cn('flex h-7 cursor-pointer items-center gap-2 rounded px-1 hover:bg-raised', on && 'text-accent-strong')}>
                <input type="checkbox" className="accent-[var(--color-accent)]" checked={on} onChange={() => onToggle(i.value)} />
                <span className="min-w-0 flex-1 truncate">{i.value}</span>
                <span className="text-xs text-faint tabular-nums">{i.count ? formatCount(i.count) : ''}</span>
              </label>
            </li>
          );
        })}
        {items && !list.length ? <li className="px-1 py-1 text-xs text-faint">Nothing here</li> : null}
      </ul>
    </Section>
  );
}

/** Bars of a distribution; drag across them (or click one) to pick a range. */
function Histogram({
  buckets,
  step,
  lo,
  hi,
  onPick,
  label,
  inclusive,
}: {
  buckets: { value: number; count: number }[];
  step: number;
  lo?: number;
  hi?: number;
  onPick: (lo: number, hi: number) => void;
  label: string;
  inclusive?: boolean;
}) {
  const [drag, setDrag] = useState<[number, number] | null>(null);
  if (!buckets.length) return <div className="h-12 rounded bg-panel" />;
  const from = buckets[0]!.value;
  const to = buckets.at(-1)!.value;
  const n = Math.round((to - from) / step) + 1;
  const counts = new Array<number>(n).fill(0);
  for (const b of buckets) counts[Math.round((b.value - from) / step)] = b.count;
  const max = Math.max(...counts);
  const valueAt = (i: number) => from + i * step;
  const inRange = (i: number) => {
    if (drag) return i >= Math.min(...drag) && i <= Math.max(...drag);
    const v = valueAt(i);
    return (lo === undefined || v + step > lo) && (hi === undefined || v <= hi);
  };
  const commit = (a: number, b: number) => {
    const [x, y] = [Math.min(a, b), Math.max(a, b)];
    onPick(valueAt(x), inclusive ? valueAt(y) : valueAt(y) + step - (step >= 1 ? 0.01 : 0));
  };
  return (
    <div
      className="flex h-12 touch-none items-end gap-px"
      role="group"
      aria-label={`${label} distribution`}
      onPointerLeave={() => drag && (commit(drag[0], drag[1]), setDrag(null))}
    >
      {counts.map((c, i) => (
        <div
          key={i}
          title={`${valueAt(i)}${step > 1 ? `–${valueAt(i) + step - 1}` : ''}: ${formatCount(c)}`}
          className="flex h-full flex-1 cursor-pointer items-end"
          onPointerDown={(e) => {
            e.preventDefault();
            setDrag([i, i]);
          }}
          onPointerEnter={() => drag && setDrag([drag[0], i])}
          onPointerUp={() => {
            if (drag) commit(drag[0], i);
            setDrag(null);
          }}
        >
          <div
            className={cn('w-full rounded-t-sm', inRange(i) && (lo !== undefined || hi !== undefined || drag) ? 'bg-accent' : 'bg-line-strong')}
            style={{ height: `${max ? Math.max(4, (c / max) * 100) : 0}%` }}
          />
        </div>
      ))}
    </div>
  );
}

/** Two number boxes for a range; a value is applied on Enter or when the box loses focus. */
function RangeInputs({
  label,
  min,
  max,
  step,
  lo,
  hi,
  onLo,
  onHi,
}: {
  label: string;
  min: number;
  max: number;
  step: number;
  lo?: number;
  hi?: number;
  onLo: (v?: number) => void;
  onHi: (v?: number) => void;
}) {
  return (
    <div className="mt-2 flex items-center gap-2">
      <NumberBox label={`${label} from`} min={min} max={max} step={step} value={lo} onCommit={onLo} />
      <span className="text-faint">–</span>
      <NumberBox label={`${label} to`} min={min} max={max} step={step} value={hi} onCommit={onHi} />
    </div>
  );
}

function NumberBox({ label, min, max, step, value, onCommit }: { label: string; min: number; max: number; step: number; value?: number; onCommit: (v?: number) => void }) {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (document.activeElement !== ref.current) setText(value === undefined ? '' : String(value));
  }, [value]);
  const commit = () => {
    if (text.trim() === '') return onCommit(undefined);
    const v = Number(text);
    if (Number.isFinite(v)) onCommit(Math.min(max, Math.max(min, step >= 1 ? Math.round(v) : v)));
    else setText(value === undefined ? '' : String(value));
  };
  return (
    <div className="relative flex-1">
      <input
        ref={ref}
        type="number"
        inputMode="decimal"
        aria-label={label}
        min={min}
        max={max}
        step={step}
        value={text}
        placeholder={label.endsWith('from') ? 'min' : 'max'}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
        className="h-7 w-full rounded border border-line bg-panel px-2 text-xs tabular-nums placeholder:text-faint focus:border-accent focus:outline-none"
      />
      {value !== undefined ? (
        <button type="button" aria-label={`Clear ${label}`} onClick={() => onCommit(undefined)} className="absolute top-1.5 right-5 text-faint hover:text-fg">
          <X size={12} />
        </button>
      ) : null}
    </div>
  );
}

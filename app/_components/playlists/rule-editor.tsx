'use client';

import { useEffect, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Plus, Trash2, X } from 'lucide-react';
import { RULE_FIELDS, SmartDefinition, type RuleField } from '@/server/playlists/rule-schema';
import { useTRPC } from '../../_trpc/client';
import { formatCount, formatDuration } from '../format';
import { Button } from '../ui/button';
import { cn } from '../ui/cn';
import { usePlaylistList } from './shared';

/**
 * The smart-playlist editor: groups that match all / any / none of their conditions and nest,
 * each condition a field, an operator for its type and a value. What it would choose is previewed
 * live (count, first tracks, the rules read back as a sentence) while you edit.
 */

/** A draft as it is being edited: the same shape as a rule, values not yet validated. */
export type Draft = { all: Draft[] } | { any: Draft[] } | { not: Draft } | { field: RuleField; op: string; value?: unknown };
export interface SmartDraft {
  rules: Draft;
  sort: { field: string; dir: 'asc' | 'desc' }[];
  limit: { count: number } | { durationMinutes: number } | null;
}

type FieldType = (typeof RULE_FIELDS)[RuleField]['type'];
const OPS: Record<FieldType, [string, string][]> = {
  text: [
    ['contains', 'contains'],
    ['is', 'is'],
    ['isNot', 'is not'],
    ['notContains', 'does not contain'],
    ['startsWith', 'starts with'],
    ['endsWith', 'ends with'],
    ['inList', 'is one of'],
    ['isEmpty', 'is empty'],
    ['isNotEmpty', 'is not empty'],
  ],
  number: [
    ['between', 'is between'],
    ['eq', '='],
    ['ne', '≠'],
    ['lt', '<'],
    ['le', '≤'],
    ['gt', '>'],
    ['ge', '≥'],
    ['isEmpty', 'is empty'],
    ['isNotEmpty', 'is not empty'],
  ],
  date: [
    ['inTheLast', 'in the last'],
    ['notInTheLast', 'not in the last'],
    ['before', 'before'],
    ['after', 'after'],
    ['between', 'between'],
    ['isEmpty', 'is empty'],
    ['isNotEmpty', 'is not empty'],
  ],
  bool: [['is', 'is']],
  key: [
    ['compatible', 'is compatible with'],
    ['is', 'is'],
    ['isNot', 'is not'],
    ['inList', 'is one of'],
    ['isEmpty', 'is empty'],
    ['isNotEmpty', 'is not empty'],
  ],
  directory: [
    ['is', 'is'],
    ['isNot', 'is not'],
  ],
  playlist: [
    ['inPlaylist', 'is in'],
    ['notInPlaylist', 'is not in'],
  ],
  sessions: [['notPlayedInLast', 'not played in the last']],
};
const GROUPS: [string, FieldType[]][] = [
  ['Tags', ['text']],
  ['Numbers', ['number']],
  ['Dates', ['date']],
  ['Flags', ['bool']],
  ['DJ', ['key', 'sessions', 'playlist', 'directory']],
];
const SORTABLE = (Object.keys(RULE_FIELDS) as RuleField[]).filter((f) => ['text', 'number', 'date', 'key'].includes(RULE_FIELDS[f].type));
const DAY = 86_400_000;

const opsFor = (field: RuleField) => (field === 'bpm' ? [['near', 'is within ±% of'] as [string, string], ...OPS.number] : OPS[RULE_FIELDS[field].type]);
const isCondition = (d: Draft): d is Extract<Draft, { field: RuleField }> => 'field' in d;

/** A value that fits an operator, for a condition just made or changed. */
function defaultValue(field: RuleField, op: string, ctx: { directory?: string; playlist?: string }): unknown {
  const type = RULE_FIELDS[field].type;
  if (op === 'isEmpty' || op === 'isNotEmpty') return undefined;
  if (op === 'near') return { bpm: 124, percent: 4, halfDouble: true };
  if (op === 'inList') return type === 'key' ? ['8A', '9A'] : [''];
  if (op === 'inTheLast' || op === 'notInTheLast') return 30;
  if (type === 'date') return op === 'between' ? [Date.now() - 30 * DAY, Date.now()] : Date.now() - 30 * DAY;
  if (type === 'number') return op === 'between' ? (field === 'bpm' ? [124, 130] : [0, 10]) : field === 'bpm' ? 124 : field === 'rating' ? 4 : 0;
  if (type === 'bool') return true;
  if (type === 'key') return '8A';
  if (type === 'directory') return ctx.directory ?? '';
  if (type === 'playlist') return ctx.playlist ?? '';
  if (type === 'sessions') return 3;
  return '';
}

export const newCondition = (field: RuleField = 'genre'): Draft => {
  const op = opsFor(field)[0]![0];
  return { field, op, value: defaultValue(field, op, {}) };
};

/** Checks a draft; the message names the first problem in words. */
export function validateDraft(d: SmartDraft): { ok: true; def: SmartDefinition } | { ok: false; message: string } {
  const r = SmartDefinition.safeParse(d);
  if (r.success) return { ok: true, def: r.data };
  const issue = r.error.issues[0]!;
  return { ok: false, message: issue.code === 'invalid_union' ? 'A condition is not complete yet' : issue.message };
}

export function RuleEditor({ value, onChange, excludePlaylist }: { value: SmartDraft; onChange: (d: SmartDraft) => void; excludePlaylist?: string }) {
  return (
    <div className="flex flex-col gap-3" data-testid="rule-editor">
      <GroupEditor draft={value.rules} onChange={(rules) => onChange({ ...value, rules })} depth={0} excludePlaylist={excludePlaylist} />
      <SortAndLimit value={value} onChange={onChange} />
    </div>
  );
}

type Mode = 'all' | 'any' | 'none';
function groupOf(d: Draft): { mode: Mode; items: Draft[] } {
  if ('all' in d) return { mode: 'all', items: d.all };
  if ('any' in d) return { mode: 'any', items: d.any };
  if ('not' in d) return { mode: 'none', items: 'any' in d.not ? d.not.any : [d.not] };
  return { mode: 'all', items: [d] };
}
const makeGroup = (mode: Mode, items: Draft[]): Draft => (mode === 'all' ? { all: items } : mode === 'any' ? { any: items } : { not: { any: items } });

function GroupEditor({
  draft,
  onChange,
  onRemove,
  depth,
  excludePlaylist,
}: {
  draft: Draft;
  onChange: (d: Draft) => void;
  onRemove?: () => void;
  depth: number;
  excludePlaylist?: string;
}) {
  const { mode, items } = groupOf(draft);
  const set = (i: number, d: Draft) =>
    onChange(
      makeGroup(
        mode,
        items.map((x, j) => (j === i ? d : x)),
      ),
    );
  const remove = (i: number) =>
    onChange(
      makeGroup(
        mode,
        items.filter((_, j) => j !== i),
      ),
    );
  return (
    <fieldset className={cn('rounded-lg border border-line p-3', depth % 2 ? 'bg-panel' : 'bg-panel-2/60')} data-testid="rule-group" aria-label={`Group ${depth + 1}`}>
      <legend className="sr-only">Conditions</legend>
      <div className="mb-2 flex items-center gap-2 text-sm">
        <span className="text-muted">Match</span>
        <select
          aria-label="Match"
          value={mode}
          onChange={(e) => onChange(makeGroup(e.target.value as Mode, items))}
          className="h-7 rounded border border-line-strong bg-panel px-1.5 text-sm focus:border-accent focus:outline-none"
        >
          <option value="all">all</option>
          <option value="any">any</option>
          <option value="none">none</option>
        </select>
        <span className="text-muted">of these</span>
        <span className="ml-auto flex gap-1">
          <Button size="sm" variant="ghost" onClick={() => onChange(makeGroup(mode, [...items, newCondition()]))}>
            <Plus size={12} /> Condition
          </Button>
          {depth < 6 ? (
            <Button size="sm" variant="ghost" onClick={() => onChange(makeGroup(mode, [...items, { any: [newCondition()] }]))}>
              <Plus size={12} /> Group
            </Button>
          ) : null}
          {onRemove ? (
            <Button size="icon" variant="ghost" onClick={onRemove} aria-label="Remove group" title="Remove group">
              <X size={14} />
            </Button>
          ) : null}
        </span>
      </div>
      <div className="flex flex-col gap-1.5">
        {items.map((d, i) =>
          isCondition(d) ? (
            <ConditionEditor key={i} c={d} onChange={(x) => set(i, x)} onRemove={() => remove(i)} excludePlaylist={excludePlaylist} />
          ) : (
            <GroupEditor key={i} draft={d} onChange={(x) => set(i, x)} onRemove={() => remove(i)} depth={depth + 1} excludePlaylist={excludePlaylist} />
          ),
        )}
        {!items.length ? <p className="text-xs text-faint">No conditions: {mode === 'any' ? 'nothing matches' : 'every track matches'}.</p> : null}
      </div>
    </fieldset>
  );
}

const field = 'h-7 rounded border border-line-strong bg-panel px-1.5 text-sm text-fg focus:border-accent focus:outline-none';

function ConditionEditor({
  c,
  onChange,
  onRemove,
  excludePlaylist,
}: {
  c: Extract<Draft, { field: RuleField }>;
  onChange: (d: Draft) => void;
  onRemove: () => void;
  excludePlaylist?: string;
}) {
  const trpc = useTRPC();
  const dirs = useQuery({ ...trpc.directories.list.queryOptions(), enabled: RULE_FIELDS[c.field].type === 'directory' });
  const lists = usePlaylistList();
  const ctx = { directory: dirs.data?.[0]?.id, playlist: lists.data?.find((p) => p.type !== 'folder' && p.id !== excludePlaylist)?.id };
  const setField = (f: RuleField) => {
    const keep = opsFor(f).some(([o]) => o === c.op) && RULE_FIELDS[f].type === RULE_FIELDS[c.field].type;
    const op = keep ? c.op : opsFor(f)[0]![0];
    onChange({ field: f, op, value: keep ? c.value : defaultValue(f, op, ctx) });
  };
  const setOp = (op: string) => onChange({ ...c, op, value: defaultValue(c.field, op, ctx) });
  const setValue = (value: unknown) => onChange({ ...c, value });
  return (
    <div className="flex flex-wrap items-center gap-1.5" data-testid="rule-condition">
      <select aria-label="Field" value={c.field} onChange={(e) => setField(e.target.value as RuleField)} className={field}>
        {GROUPS.map(([label, types]) => (
          <optgroup key={label} label={label}>
            {(Object.keys(RULE_FIELDS) as RuleField[])
              .filter((f) => types.includes(RULE_FIELDS[f].type))
              .map((f) => (
                <option key={f} value={f}>
                  {RULE_FIELDS[f].label}
                </option>
              ))}
          </optgroup>
        ))}
      </select>
      <select aria-label="Operator" value={c.op} onChange={(e) => setOp(e.target.value)} className={field}>
        {opsFor(c.field).map(([o, label]) => (
          <option key={o} value={o}>
            {label}
          </option>
        ))}
      </select>
      <ValueEditor c={c} onValue={setValue} dirs={dirs.data ?? []} lists={(lists.data ?? []).filter((p) => p.type !== 'folder' && p.id !== excludePlaylist)} />
      <button type="button" onClick={onRemove} aria-label="Remove condition" title="Remove condition" className="ml-auto rounded p-1 text-faint hover:bg-raised hover:text-danger">
        <Trash2 size={13} />
      </button>
    </div>
  );
}

const num = (v: string) => (v.trim() === '' ? NaN : Number(v));
const dateText = (ms: unknown) => (typeof ms === 'number' ? new Date(ms).toISOString().slice(0, 10) : '');
const fromDate = (s: string) => (s ? Date.parse(`${s}T00:00:00Z`) : NaN);

function ValueEditor({
  c,
  onValue,
  dirs,
  lists,
}: {
  c: Extract<Draft, { field: RuleField }>;
  onValue: (v: unknown) => void;
  dirs: { id: string; name: string }[];
  lists: { id: string; name: string }[];
}) {
  const type = RULE_FIELDS[c.field].type;
  const v = c.value;
  if (c.op === 'isEmpty' || c.op === 'isNotEmpty') return null;
  if (c.op === 'near') {
    const n = v as { bpm: number; percent: number; halfDouble: boolean };
    return (
      <span className="flex items-center gap-1.5 text-sm text-muted">
        ±
        <input
          aria-label="Percent"
          type="number"
          min={0}
          max={50}
          step={0.5}
          value={n.percent}
          onChange={(e) => onValue({ ...n, percent: num(e.target.value) })}
          className={cn(field, 'w-16')}
        />
        % of
        <input
          aria-label="BPM"
          type="number"
          min={1}
          max={999}
          step={0.5}
          value={n.bpm}
          onChange={(e) => onValue({ ...n, bpm: num(e.target.value) })}
          className={cn(field, 'w-20')}
        />
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={n.halfDouble} onChange={(e) => onValue({ ...n, halfDouble: e.target.checked })} className="accent-[var(--color-accent)]" /> half/double
        </label>
      </span>
    );
  }
  if (c.op === 'between') {
    const [a, b] = v as [number, number];
    const input = (x: number, set: (n: number) => void, label: string) =>
      type === 'date' ? (
        <input aria-label={label} type="date" value={dateText(x)} onChange={(e) => set(fromDate(e.target.value))} className={field} />
      ) : (
        <input aria-label={label} type="number" value={Number.isNaN(x) ? '' : x} onChange={(e) => set(num(e.target.value))} className={cn(field, 'w-20')} />
      );
    return (
      <span className="flex items-center gap-1.5 text-sm text-muted">
        {input(a, (n) => onValue([n, b]), 'From')} and {input(b, (n) => onValue([a, n]), 'To')}
      </span>
    );
  }
  if (c.op === 'inList')
    return (
      <input
        aria-label="Values"
        placeholder="comma, separated"
        value={(v as string[]).join(', ')}
        onChange={(e) => onValue(e.target.value.split(',').map((s) => s.trim()))}
        className={cn(field, 'min-w-48 flex-1')}
      />
    );
  if (type === 'bool')
    return (
      <select aria-label="Value" value={String(v)} onChange={(e) => onValue(e.target.value === 'true')} className={field}>
        <option value="true">yes</option>
        <option value="false">no</option>
      </select>
    );
  if (type === 'directory' || type === 'playlist') {
    const options = type === 'directory' ? dirs : lists;
    return (
      <select aria-label="Value" value={String(v)} onChange={(e) => onValue(e.target.value)} className={cn(field, 'max-w-60')}>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    );
  }
  if (c.op === 'inTheLast' || c.op === 'notInTheLast' || type === 'sessions')
    return (
      <span className="flex items-center gap-1.5 text-sm text-muted">
        <input aria-label="Value" type="number" min={1} value={Number.isNaN(v) ? '' : (v as number)} onChange={(e) => onValue(num(e.target.value))} className={cn(field, 'w-20')} />
        {type === 'sessions' ? 'sessions' : 'days'}
      </span>
    );
  if (type === 'date') return <input aria-label="Value" type="date" value={dateText(v)} onChange={(e) => onValue(fromDate(e.target.value))} className={field} />;
  if (type === 'number')
    return <input aria-label="Value" type="number" value={Number.isNaN(v) ? '' : (v as number)} onChange={(e) => onValue(num(e.target.value))} className={cn(field, 'w-24')} />;
  return (
    <input
      aria-label="Value"
      value={v as string}
      onChange={(e) => onValue(e.target.value)}
      placeholder={type === 'key' ? '8A, 5m or Am' : ''}
      className={cn(field, type === 'key' ? 'w-24' : 'min-w-40 flex-1')}
    />
  );
}

function SortAndLimit({ value, onChange }: { value: SmartDraft; onChange: (d: SmartDraft) => void }) {
  const limitKind = !value.limit ? 'none' : 'count' in value.limit ? 'count' : 'duration';
  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm text-muted">
      <span className="flex flex-wrap items-center gap-1.5">
        Sort by
        {value.sort.map((s, i) => (
          <span key={i} className="flex items-center gap-1">
            <select
              aria-label={`Sort field ${i + 1}`}
              value={s.field}
              onChange={(e) => onChange({ ...value, sort: value.sort.map((x, j) => (j === i ? { ...x, field: e.target.value } : x)) })}
              className={field}
            >
              <option value="random">random</option>
              {SORTABLE.map((f) => (
                <option key={f} value={f}>
                  {RULE_FIELDS[f].label}
                </option>
              ))}
            </select>
            {s.field !== 'random' ? (
              <select
                aria-label={`Sort direction ${i + 1}`}
                value={s.dir}
                onChange={(e) => onChange({ ...value, sort: value.sort.map((x, j) => (j === i ? { ...x, dir: e.target.value as 'asc' | 'desc' } : x)) })}
                className={field}
              >
                <option value="asc">↑</option>
                <option value="desc">↓</option>
              </select>
            ) : null}
            <button
              type="button"
              aria-label="Remove sort"
              onClick={() => onChange({ ...value, sort: value.sort.filter((_, j) => j !== i) })}
              className="rounded p-0.5 text-faint hover:text-fg"
            >
              <X size={12} />
            </button>
          </span>
        ))}
        {value.sort.length < 5 ? (
          <Button size="sm" variant="ghost" onClick={() => onChange({ ...value, sort: [...value.sort, { field: 'bpm', dir: 'asc' }] })}>
            <Plus size={12} /> {value.sort.length ? 'then by' : 'field'}
          </Button>
        ) : null}
      </span>
      <span className="flex items-center gap-1.5">
        Limit
        <select
          aria-label="Limit"
          value={limitKind}
          onChange={(e) => onChange({ ...value, limit: e.target.value === 'count' ? { count: 100 } : e.target.value === 'duration' ? { durationMinutes: 120 } : null })}
          className={field}
        >
          <option value="none">none</option>
          <option value="count">tracks</option>
          <option value="duration">minutes</option>
        </select>
        {value.limit ? (
          <input
            aria-label="Limit value"
            type="number"
            min={1}
            value={'count' in value.limit ? value.limit.count : value.limit.durationMinutes}
            onChange={(e) => onChange({ ...value, limit: 'count' in value.limit! ? { count: num(e.target.value) } : { durationMinutes: num(e.target.value) } })}
            className={cn(field, 'w-20')}
          />
        ) : null}
      </span>
    </div>
  );
}

/** What the rules choose right now: the sentence, the count and the first tracks, as you type. */
export function SmartPreview({ draft }: { draft: SmartDraft }) {
  const trpc = useTRPC();
  const [debounced, setDebounced] = useState(draft);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(draft), 200);
    return () => clearTimeout(t);
  }, [draft]);
  const checked = validateDraft(debounced);
  const preview = useQuery({
    ...trpc.playlists.smartPreview.queryOptions(checked.ok ? { ...checked.def, limitPreview: 12 } : { rules: { all: [] }, limitPreview: 12 }),
    enabled: checked.ok,
    placeholderData: keepPreviousData,
  });
  const d = preview.data;
  return (
    <section aria-label="Preview" className="rounded-lg border border-line bg-panel p-3" data-testid="smart-preview">
      {!checked.ok ? (
        <p className="text-sm text-warn" role="status">
          {checked.message}
        </p>
      ) : d ? (
        <>
          <p className="text-sm" data-testid="smart-explain">
            <span className="text-muted">Tracks where </span>
            {d.explain}
          </p>
          <p className="mt-1 text-xs text-muted" data-testid="smart-count" aria-live="polite">
            {formatCount(d.count)} {d.count === 1 ? 'track matches' : 'tracks match'}
            {d.selected !== d.count ? ` · ${formatCount(d.selected)} kept by the limit` : ''}
          </p>
          <ol className={cn('mt-2 grid gap-x-4 text-sm md:grid-cols-2', preview.isPlaceholderData && 'opacity-60')}>
            {d.tracks.map((t) => (
              <li key={t.id} className="flex min-w-0 gap-2 truncate py-0.5" data-testid="preview-track">
                <span className="truncate">{t.title ?? t.fileName}</span>
                <span className="truncate text-muted">{t.artist}</span>
                <span className="ml-auto shrink-0 text-xs text-faint tabular-nums">
                  {t.bpm ? t.bpm.toFixed(0) : ''} {formatDuration(t.durationMs)}
                </span>
              </li>
            ))}
          </ol>
        </>
      ) : (
        <p className="text-sm text-muted">Previewing…</p>
      )}
    </section>
  );
}

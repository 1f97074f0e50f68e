'use client';

import { useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { SettingView } from '@/server/settings/queries';
import { useTRPC } from '../../_trpc/client';
import { Card, PageHeader } from '../ui/card';
import { Input, Select } from '../ui/input';
import { Switch } from '../ui/switch';

const CATEGORY_LABEL: Record<string, string> = {
  library: 'Library',
  analysis: 'Analysis',
  ui: 'Interface',
  playlists: 'Playlists',
  suggest: 'Suggestions',
  maintenance: 'Maintenance',
};

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  items?: { enum?: unknown[] };
}

export function SettingsView() {
  const trpc = useTRPC();
  const list = useQuery(trpc.settings.list.queryOptions());
  const groups = useMemo(() => {
    const m = new Map<string, SettingView[]>();
    for (const s of list.data ?? []) m.set(s.category, [...(m.get(s.category) ?? []), s]);
    return [...m.entries()];
  }, [list.data]);
  return (
    <div>
      <PageHeader title="Settings" description="Stored in the library database and applied by the web and the worker within a second." />
      <div className="flex max-w-3xl flex-col gap-6 p-6">
        {groups.map(([cat, items]) => (
          <section key={cat} aria-labelledby={`cat-${cat}`}>
            <h2 id={`cat-${cat}`} className="mb-2 text-xs font-semibold tracking-wider text-faint uppercase">
              {CATEGORY_LABEL[cat] ?? cat}
            </h2>
            <Card className="divide-y divide-line">
              {items.map((s) => (
                <SettingRow key={s.key} setting={s} />
              ))}
            </Card>
          </section>
        ))}
      </div>
    </div>
  );
}

function SettingRow({ setting }: { setting: SettingView }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [draft, setDraft] = useState<string | null>(null);
  const update = useMutation(
    trpc.settings.update.mutationOptions({
      onSuccess: (list) => {
        qc.setQueryData(trpc.settings.list.queryKey(), list);
        setDraft(null);
      },
    }),
  );
  const schema = setting.schema as JsonSchema;
  const save = (value: unknown) => update.mutate({ values: { [setting.key]: value } });
  const id = `setting-${setting.key}`;
  let control: React.ReactNode;
  if (schema.type === 'boolean') {
    control = <Switch id={id} checked={setting.value === true} onChange={save} label={setting.label} />;
  } else if (schema.enum) {
    control = (
      <Select id={id} aria-label={setting.label} value={String(setting.value)} onChange={(e) => save(e.target.value)}>
        {schema.enum.map((v) => (
          <option key={String(v)} value={String(v)}>
            {String(v)}
          </option>
        ))}
      </Select>
    );
  } else if (schema.type === 'array' && schema.items?.enum) {
    control = <OrderedChoice id={id} label={setting.label} value={setting.value as string[]} options={schema.items.enum.map(String)} onChange={save} />;
  } else if (schema.type === 'string') {
    control = (
      <Input
        id={id}
        aria-label={setting.label}
        className="w-96 font-mono text-xs"
        value={draft ?? String(setting.value)}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => draft !== null && draft !== String(setting.value) && save(draft)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
          if (e.key === 'Escape') setDraft(null);
        }}
      />
    );
  } else {
    control = (
      <Input
        id={id}
        aria-label={setting.label}
        className="w-28 text-right tabular-nums"
        inputMode="decimal"
        value={draft ?? String(setting.value)}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => draft !== null && draft !== String(setting.value) && save(Number(draft))}
        onKeyDown={(e) => {
          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
          if (e.key === 'Escape') setDraft(null);
        }}
      />
    );
  }
  return (
    <div className="flex items-center justify-between gap-6 px-4 py-3">
      <div>
        <label htmlFor={id} className="text-sm font-medium">
          {setting.label}
        </label>
        <p className="text-xs text-muted">{setting.description}</p>
      </div>
      {control}
    </div>
  );
}

/** An ordered pick from a fixed list (e.g. the duplicate rule): move up, remove, add. */
function OrderedChoice({ id, label, value, options, onChange }: { id: string; label: string; value: string[]; options: string[]; onChange: (v: string[]) => void }) {
  const rest = options.filter((o) => !value.includes(o));
  const words = (s: string) => s.replace(/([A-Z])/g, ' $1').toLowerCase();
  return (
    <div id={id} role="group" aria-label={label} className="flex max-w-md flex-wrap items-center justify-end gap-1 text-xs">
      {value.map((v, i) => (
        <span key={v} className="inline-flex items-center gap-1 rounded-full border border-line-strong bg-panel-2 py-0.5 pr-1 pl-2">
          <span className="text-faint">{i + 1}.</span> {words(v)}
          {i > 0 ? (
            <button
              type="button"
              aria-label={`Move ${words(v)} up`}
              className="px-0.5 text-muted hover:text-fg"
              onClick={() => onChange([...value.slice(0, i - 1), v, value[i - 1]!, ...value.slice(i + 1)])}
            >
              ↑
            </button>
          ) : null}
          {value.length > 1 ? (
            <button type="button" aria-label={`Remove ${words(v)}`} className="px-0.5 text-muted hover:text-danger" onClick={() => onChange(value.filter((x) => x !== v))}>
              ×
            </button>
          ) : null}
        </span>
      ))}
      {rest.length ? (
        <Select aria-label={`Add to ${label}`} className="h-6 w-auto text-xs" value="" onChange={(e) => e.target.value && onChange([...value, e.target.value])}>
          <option value="">add…</option>
          {rest.map((o) => (
            <option key={o} value={o}>
              {words(o)}
            </option>
          ))}
        </Select>
      ) : null}
    </div>
  );
}

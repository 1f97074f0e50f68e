'use client';

import { useRef } from 'react';
import { cn } from './cn';

export interface TabItem<K extends string> {
  id: K;
  label: React.ReactNode;
}

const looks = {
  /** A bar of tabs over a panel (an underline marks the current one). */
  underline: {
    list: 'flex gap-1 border-b border-line',
    tab: (on: boolean) => cn('-mb-px border-b-2 px-3 py-2 text-sm', on ? 'border-accent text-fg' : 'border-transparent text-muted hover:text-fg'),
  },
  /** A compact switch between views (a raised chip marks the current one). */
  segmented: {
    list: 'flex rounded-md border border-line p-0.5 text-sm',
    tab: (on: boolean) => cn('rounded px-3 py-1', on ? 'bg-raised text-fg' : 'text-muted hover:text-fg'),
  },
} as const;

/**
 * One tab list for the whole app (WAI-ARIA tabs): the current tab is the one focus stop, arrow
 * keys move between tabs and choose them, Home and End jump to the ends.
 */
export function Tabs<K extends string>({
  items,
  value,
  onChange,
  label,
  look = 'underline',
  className,
  tabClassName,
}: {
  items: readonly TabItem<K>[];
  value: K;
  onChange: (id: K) => void;
  label: string;
  look?: keyof typeof looks;
  className?: string;
  tabClassName?: string;
}) {
  const list = useRef<HTMLDivElement>(null);
  const choose = (i: number) => {
    const next = items[(i + items.length) % items.length]!;
    onChange(next.id);
    list.current?.querySelectorAll<HTMLButtonElement>('[role="tab"]')[items.indexOf(next)]?.focus();
  };
  const current = items.findIndex((t) => t.id === value);
  const onKeyDown = (e: React.KeyboardEvent) => {
    const to = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: items.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    choose(to);
  };
  return (
    <div ref={list} role="tablist" aria-label={label} className={cn(looks[look].list, className)} onKeyDown={onKeyDown}>
      {items.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          aria-selected={t.id === value}
          tabIndex={t.id === value ? 0 : -1}
          onClick={() => onChange(t.id)}
          className={cn(looks[look].tab(t.id === value), tabClassName)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

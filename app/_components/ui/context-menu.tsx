'use client';

import { useEffect, useRef } from 'react';
import { cn } from './cn';

export interface MenuItem {
  label: string;
  icon?: React.ReactNode;
  shortcut?: string;
  danger?: boolean;
  disabled?: boolean;
  run: () => void;
}

/** A right-click menu at the pointer; arrow keys move, Enter runs, Escape closes. */
export function ContextMenu({ at, items, onClose }: { at: { x: number; y: number } | null; items: MenuItem[]; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!at) return;
    ref.current?.querySelector<HTMLElement>('button:not([disabled])')?.focus();
    const close = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && onClose();
    window.addEventListener('mousedown', close);
    window.addEventListener('blur', onClose);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('blur', onClose);
    };
  }, [at, onClose]);
  if (!at) return null;
  const x = Math.min(at.x, window.innerWidth - 240);
  const y = Math.min(at.y, window.innerHeight - items.length * 32 - 16);
  return (
    <div
      ref={ref}
      role="menu"
      className="fixed z-50 w-56 rounded-lg border border-line-strong bg-panel-2 p-1 shadow-2xl"
      style={{ left: x, top: y }}
      onKeyDown={(e) => {
        const buttons = [...(ref.current?.querySelectorAll<HTMLElement>('button:not([disabled])') ?? [])];
        const i = buttons.indexOf(document.activeElement as HTMLElement);
        if (e.key === 'Escape') onClose();
        else if (e.key === 'ArrowDown') buttons[(i + 1) % buttons.length]?.focus();
        else if (e.key === 'ArrowUp') buttons[(i - 1 + buttons.length) % buttons.length]?.focus();
        else return;
        e.preventDefault();
      }}
    >
      {items.map((m) => (
        <button
          key={m.label}
          type="button"
          role="menuitem"
          disabled={m.disabled}
          onClick={() => {
            onClose();
            m.run();
          }}
          className={cn(
            'flex h-8 w-full items-center gap-2 rounded px-2 text-left text-sm outline-none hover:bg-raised focus:bg-raised disabled:opacity-40',
            m.danger && 'text-danger',
          )}
        >
          <span className="w-4 text-muted">{m.icon}</span>
          {m.label}
          {m.shortcut ? <kbd className="ml-auto font-mono text-[10px] text-faint">{m.shortcut}</kbd> : null}
        </button>
      ))}
    </div>
  );
}

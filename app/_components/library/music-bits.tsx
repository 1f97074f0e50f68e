'use client';

import { Star } from 'lucide-react';
import { camelotNumber, formatKey, type KeyNotation } from '@/server/music/keys';
import { cn } from '../ui/cn';

/** The Camelot wheel's colour for a key, so neighbours on the wheel look alike. */
export function keyColor(pitch: number, mode: 0 | 1): string {
  const c = camelotNumber({ pitch, mode });
  return `oklch(${mode === 1 ? 0.8 : 0.72} 0.13 ${((c - 1) * 30 + 150) % 360})`;
}

export function KeyLabel({ pitch, mode, notation }: { pitch: number | null; mode: number | null; notation: KeyNotation }) {
  if (pitch === null || mode === null) return null;
  const m = mode as 0 | 1;
  return (
    <span className="font-mono text-xs font-medium" style={{ color: keyColor(pitch, m) }}>
      {formatKey({ pitch, mode: m }, notation)}
    </span>
  );
}

/** One decimal where the (rounded) BPM is not whole: 126, 122.5 — never 126.0. */
export const formatBpm = (bpm: number | null | undefined) => {
  if (!bpm) return '';
  const r = Math.round(bpm * 10) / 10;
  return r % 1 ? r.toFixed(1) : String(r);
};

/** Five stars; click a star to rate, click the same star again to clear. Read-only without onChange. */
export function Stars({ value, onChange, size = 12, className }: { value: number | null; onChange?: (v: number) => void; size?: number; className?: string }) {
  const v = value ?? 0;
  return (
    <span className={cn('inline-flex items-center', className)} role={onChange ? 'radiogroup' : 'img'} aria-label={`Rating ${v} of 5`}>
      {[1, 2, 3, 4, 5].map((n) =>
        onChange ? (
          <button
            key={n}
            type="button"
            role="radio"
            aria-checked={v === n}
            aria-label={`${n} star${n > 1 ? 's' : ''}`}
            className="p-px text-faint hover:text-warn"
            onClick={(e) => {
              e.stopPropagation();
              onChange(v === n ? 0 : n);
            }}
          >
            <Star size={size} className={n <= v ? 'fill-warn text-warn' : ''} />
          </button>
        ) : (
          <Star key={n} size={size} className={cn('mx-px', n <= v ? 'fill-warn text-warn' : 'text-line-strong')} />
        ),
      )}
    </span>
  );
}

/** Energy 1–10 as a small meter. */
export function EnergyMeter({ value }: { value: number | null }) {
  if (!value) return null;
  return (
    <span className="inline-flex items-center gap-1.5" aria-label={`Energy ${value} of 10`}>
      <span className="flex h-2.5 items-end gap-px">
        {[2, 4, 6, 8, 10].map((lvl) => (
          <span
            key={lvl}
            className={cn('w-1 rounded-sm', lvl <= value + 1 ? (value >= 8 ? 'bg-danger' : value >= 5 ? 'bg-warn' : 'bg-accent') : 'bg-line-strong')}
            style={{ height: `${lvl * 10}%` }}
          />
        ))}
      </span>
      <span className="text-xs text-muted tabular-nums">{value}</span>
    </span>
  );
}

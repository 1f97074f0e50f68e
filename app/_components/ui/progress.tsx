import { cn } from './cn';

/** A progress bar; without `value` (or with total unknown) it shows an animated indeterminate bar. */
export function Progress({
  value,
  max = 1,
  className,
  tone = 'accent',
  label,
}: {
  value?: number | null;
  max?: number | null;
  className?: string;
  tone?: 'accent' | 'warn' | 'danger';
  label?: string;
}) {
  const known = value !== undefined && value !== null && max !== null && max > 0;
  const pct = known ? Math.max(0, Math.min(100, (value / max) * 100)) : 100;
  const color = tone === 'accent' ? 'bg-accent' : tone === 'warn' ? 'bg-warn' : 'bg-danger';
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={known ? max : undefined}
      aria-valuenow={known ? value : undefined}
      className={cn('h-1.5 w-full overflow-hidden rounded-full bg-raised', className)}
    >
      <div className={cn('h-full rounded-full transition-[width] duration-300', color, !known && 'progress-indeterminate opacity-60')} style={{ width: `${pct}%` }} />
    </div>
  );
}

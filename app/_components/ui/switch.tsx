import { cn } from './cn';

export function Switch({ checked, onChange, label, disabled, id }: { checked: boolean; onChange: (v: boolean) => void; label: string; disabled?: boolean; id?: string }) {
  return (
    <button
      id={id}
      type="button"
      role="switch"
      aria-checked={checked}
      aria-label={label}
      disabled={disabled}
      onClick={() => onChange(!checked)}
      className={cn('relative h-5 w-9 shrink-0 rounded-full border transition-colors disabled:opacity-50', checked ? 'border-accent bg-accent/80' : 'border-line-strong bg-raised')}
    >
      <span className={cn('absolute top-0.5 left-0.5 h-3.5 w-3.5 rounded-full bg-fg shadow transition-transform', checked && 'translate-x-4')} />
    </button>
  );
}

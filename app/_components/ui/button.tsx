import { forwardRef } from 'react';
import { cn } from './cn';

const variants = {
  primary: 'bg-accent text-accent-ink hover:bg-accent-strong font-medium',
  secondary: 'bg-raised text-fg border border-line-strong hover:border-faint hover:bg-panel-2',
  ghost: 'text-muted hover:text-fg hover:bg-raised',
  danger: 'bg-danger/15 text-danger border border-danger/40 hover:bg-danger/25',
} as const;
const sizes = { sm: 'h-7 px-2.5 text-xs gap-1.5', md: 'h-9 px-3.5 text-sm gap-2', icon: 'h-8 w-8 justify-center' } as const;

export interface ButtonProps extends React.ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: keyof typeof variants;
  size?: keyof typeof sizes;
}

/** Button looks for other elements (a link that acts as a button). */
export const buttonClass = (variant: keyof typeof variants = 'secondary', size: keyof typeof sizes = 'md', className?: string) =>
  cn('inline-flex shrink-0 items-center rounded-md transition-colors select-none disabled:pointer-events-none disabled:opacity-45', variants[variant], sizes[size], className);

export const Button = forwardRef<HTMLButtonElement, ButtonProps>(function Button({ className, variant = 'secondary', size = 'md', type = 'button', ...props }, ref) {
  return <button ref={ref} type={type} className={buttonClass(variant, size, className)} {...props} />;
});

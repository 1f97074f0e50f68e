import { Music2 } from 'lucide-react';
import { cn } from '../ui/cn';

/** Cover art (the small thumbnail unless `full`), or a quiet placeholder. */
export function Artwork({ id, size, full, className }: { id: string | null | undefined; size: number; full?: boolean; className?: string }) {
  if (!id)
    return (
      <div className={cn('flex shrink-0 items-center justify-center rounded bg-raised text-faint', className)} style={{ width: size, height: size }} aria-hidden>
        <Music2 size={Math.max(12, Math.round(size * 0.4))} />
      </div>
    );
  return (
    <img
      src={`/api/artwork/${id}${full ? '?size=full' : ''}`}
      alt=""
      width={size}
      height={size}
      loading="lazy"
      decoding="async"
      className={cn('shrink-0 rounded object-cover', className)}
      style={{ width: size, height: size }}
    />
  );
}

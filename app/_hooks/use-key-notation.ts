'use client';

import { useQuery } from '@tanstack/react-query';
import type { KeyNotation } from '@/server/music/keys';
import { useTRPC } from '../_trpc/client';

/** The key notation chosen in Settings (Camelot by default). */
export function useKeyNotation(): KeyNotation {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.settings.get.queryOptions({ key: 'ui.keyNotation' }), staleTime: 60_000 });
  return (q.data?.value as KeyNotation | undefined) ?? 'camelot';
}

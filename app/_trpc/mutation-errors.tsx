'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useToast } from '../_components/ui/toast';

declare module '@tanstack/react-query' {
  interface Register {
    /** `errorToast: false` for a mutation that shows its own error (a form field, a rollback message). */
    mutationMeta: { errorToast?: boolean };
  }
}

/**
 * One place that tells the user a change failed: every mutation's error becomes an error toast with
 * the server's message (its DomainError text: what went wrong and what to do), unless the mutation
 * says it shows the error itself. Components no longer wire `onError` toasts one by one.
 */
export function MutationErrorToasts() {
  const qc = useQueryClient();
  const toast = useToast();
  useEffect(
    () =>
      qc.getMutationCache().subscribe((e) => {
        if (e.type !== 'updated' || e.action.type !== 'error' || e.mutation.meta?.errorToast === false) return;
        const error: unknown = e.action.error;
        toast.push({ tone: 'error', text: error instanceof Error ? error.message : String(error) });
      }),
    [qc, toast],
  );
  return null;
}

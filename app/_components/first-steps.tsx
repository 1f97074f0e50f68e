'use client';

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { FolderPlus } from 'lucide-react';
import { useTRPC } from '../_trpc/client';
import { EmptyState } from './ui/card';
import { buttonClass } from './ui/button';

/** Empty state for pages that need music first: points a new user at the Folders page. */
export function FirstSteps({ icon, title, children }: { icon: React.ReactNode; title: string; children: React.ReactNode }) {
  const trpc = useTRPC();
  const dirs = useQuery(trpc.directories.list.queryOptions());
  if (dirs.isSuccess && dirs.data.length === 0) {
    return (
      <EmptyState
        icon={<FolderPlus size={22} />}
        title="Start by adding a music folder"
        action={
          <Link href="/folders" className={buttonClass('primary')}>
            <FolderPlus size={16} /> Add a folder
          </Link>
        }
      >
        Mismo Library reads your tracks from folders on this server. Add one and its tracks appear here as they are scanned.
      </EmptyState>
    );
  }
  return (
    <EmptyState icon={icon} title={title}>
      {children}
    </EmptyState>
  );
}

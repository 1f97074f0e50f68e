'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { Activity, AudioWaveform, Copy, FolderOpen, Library, ListMusic, Server, Settings, Sparkles, Trash2 } from 'lucide-react';
import { cn } from '../ui/cn';
import { PlaylistTree } from '../playlists/playlist-tree';

const NAV = [
  { href: '/library', label: 'Library', icon: Library, key: 'g l' },
  { href: '/playlists', label: 'Playlists', icon: ListMusic, key: 'g p' },
  { href: '/booth', label: 'Booth', icon: Sparkles, key: 'g b' },
  { href: '/duplicates', label: 'Duplicates', icon: Copy, key: 'g d' },
  { href: '/folders', label: 'Folders', icon: FolderOpen, key: 'g f' },
  { href: '/analysis', label: 'Analysis', icon: AudioWaveform, key: 'g n' },
  { href: '/trash', label: 'Trash', icon: Trash2, key: 'g t' },
  { href: '/activity', label: 'Activity', icon: Activity, key: 'g a' },
  { href: '/system', label: 'System', icon: Server, key: 'g y' },
  { href: '/settings', label: 'Settings', icon: Settings, key: 'g s' },
] as const;

export function Sidebar() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex w-52 shrink-0 flex-col border-r border-line bg-panel">
      <Link href="/library" className="flex items-center gap-2.5 px-4 pt-4 pb-5">
        <Logo />
        <span className="text-[15px] font-semibold tracking-tight">
          Mismo <span className="text-muted">Library</span>
        </span>
      </Link>
      <ul className="flex flex-col gap-0.5 px-2">
        {NAV.map((n) => {
          const active = pathname === n.href || pathname.startsWith(n.href + '/');
          return (
            <li key={n.href}>
              <Link
                href={n.href}
                aria-current={active ? 'page' : undefined}
                title={`${n.label} (${n.key})`}
                className={cn('flex h-8 items-center gap-2.5 rounded-md px-2.5 text-sm text-muted transition-colors hover:bg-raised hover:text-fg', active && 'bg-raised text-fg')}
              >
                <n.icon size={16} className={cn(active ? 'text-accent' : 'text-faint')} />
                {n.label}
              </Link>
            </li>
          );
        })}
      </ul>
      <PlaylistTree />
    </nav>
  );
}

function Logo() {
  return (
    <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden>
      <rect x="2" y="9" width="2.4" height="6" rx="1.2" fill="var(--color-accent)" opacity="0.55" />
      <rect x="6.4" y="5" width="2.4" height="14" rx="1.2" fill="var(--color-accent)" opacity="0.8" />
      <rect x="10.8" y="2" width="2.4" height="20" rx="1.2" fill="var(--color-accent)" />
      <rect x="15.2" y="6" width="2.4" height="12" rx="1.2" fill="var(--color-accent)" opacity="0.8" />
      <rect x="19.6" y="10" width="2.4" height="4" rx="1.2" fill="var(--color-accent)" opacity="0.55" />
    </svg>
  );
}

export const NAV_ITEMS = NAV;

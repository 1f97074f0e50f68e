import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { authenticateRequest, getWebRuntime } from '@/server/web/runtime';
import { Providers } from '../_components/providers';
import { Sidebar } from '../_components/shell/sidebar';
import { StatusBar } from '../_components/shell/status-bar';
import { KeyboardNav } from '../_components/shell/keyboard-nav';
import { SignOut } from '../_components/shell/sign-out';
import { MiniPlayer } from '../_components/library/player';

export const dynamic = 'force-dynamic';

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const rt = getWebRuntime();
  const auth = authenticateRequest(rt, await headers());
  if (!auth.ok) redirect('/login');
  return (
    <Providers>
      <KeyboardNav />
      <div className="flex h-screen overflow-hidden">
        <Sidebar />
        <div className="flex min-w-0 flex-1 flex-col">
          <header className="flex h-12 shrink-0 items-center justify-end gap-3 border-b border-line bg-panel/60 px-4">
            <StatusBar />
            {auth.via === 'session' ? <SignOut /> : null}
          </header>
          <main className="min-h-0 flex-1 overflow-auto">{children}</main>
          <MiniPlayer />
        </div>
      </div>
    </Providers>
  );
}

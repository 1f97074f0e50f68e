import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { authenticateRequest, getWebRuntime } from '@/server/web/runtime';
import { LoginForm } from './login-form';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Sign in' };

export default async function LoginPage() {
  const rt = getWebRuntime();
  if (authenticateRequest(rt, await headers()).ok) redirect('/library');
  return (
    <div className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-xl border border-line bg-panel p-6 shadow-2xl">
        <h1 className="text-lg font-semibold">Mismo Library</h1>
        <p className="mt-1 mb-5 text-sm text-muted">This library is protected. Enter the password set on the server (MISMO_PASSWORD).</p>
        <LoginForm enabled={Boolean(rt.app.env.auth.password)} />
      </div>
    </div>
  );
}

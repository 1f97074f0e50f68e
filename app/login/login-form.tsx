'use client';

import { useState } from 'react';
import { Button } from '../_components/ui/button';
import { Field, Input } from '../_components/ui/input';

export function LoginForm({ enabled }: { enabled: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!enabled) return <p className="text-sm text-warn">Password sign-in is not configured; use an API token.</p>;
  return (
    <form
      className="flex flex-col gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        const password = new FormData(e.currentTarget).get('password');
        setBusy(true);
        setError(null);
        void fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) })
          .then(async (r) => {
            if (r.ok) window.location.assign('/library');
            else setError(((await r.json()) as { error?: string }).error ?? 'Sign-in failed');
          })
          .catch(() => setError('The server did not answer'))
          .finally(() => setBusy(false));
      }}
    >
      <Field label="Password" htmlFor="password" error={error}>
        <Input id="password" name="password" type="password" autoComplete="current-password" autoFocus required />
      </Field>
      <Button type="submit" variant="primary" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}

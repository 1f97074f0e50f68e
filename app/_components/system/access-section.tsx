'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Copy, KeyRound, LogOut, MonitorSmartphone } from 'lucide-react';
import { useState } from 'react';
import { useTRPC } from '../../_trpc/client';
import { formatAgo } from '../format';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { Card } from '../ui/card';
import { Input } from '../ui/input';
import { useToast } from '../ui/toast';

/** "Firefox on Android" from a user agent; the raw string is on hover. */
export function deviceName(ua: string | null): string {
  if (!ua) return 'Unknown device';
  const browser = ua.includes('Edg/')
    ? 'Edge'
    : ua.includes('OPR/')
      ? 'Opera'
      : ua.includes('Firefox/')
        ? 'Firefox'
        : /Chrom(e|ium)\//.test(ua)
          ? 'Chrome'
          : ua.includes('Safari/')
            ? 'Safari'
            : ua.startsWith('curl/')
              ? 'curl'
              : 'A browser';
  const os = ua.includes('Android')
    ? 'Android'
    : /iPhone|iPad|iPod/.test(ua)
      ? 'iOS'
      : ua.includes('Mac OS X')
        ? 'macOS'
        : ua.includes('Windows')
          ? 'Windows'
          : ua.includes('Linux')
            ? 'Linux'
            : null;
  return os ? `${browser} on ${os}` : browser;
}

/** Who is signed in (server-side sessions) and which API tokens exist: the System page. */
export function AccessSection() {
  const trpc = useTRPC();
  const toast = useToast();
  const qc = useQueryClient();
  const q = useQuery({ ...trpc.auth.sessions.queryOptions(), refetchInterval: 15_000 });
  const [name, setName] = useState('');
  const [fresh, setFresh] = useState<{ name: string; token: string } | null>(null);
  const [confirmAll, setConfirmAll] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.auth.sessions.queryKey() });
  const revoke = useMutation(
    trpc.auth.revokeSession.mutationOptions({
      onSuccess: (r) => (r.wasCurrent ? window.location.assign('/login') : void refresh()),
    }),
  );
  const everywhere = useMutation(trpc.auth.signOutEverywhere.mutationOptions({ onSuccess: () => window.location.assign('/login') }));
  const create = useMutation(
    trpc.auth.createToken.mutationOptions({
      onSuccess: (r, v) => {
        setFresh({ name: v.name, token: r.token });
        setName('');
        void refresh();
      },
    }),
  );
  const revokeToken = useMutation(
    trpc.auth.revokeToken.mutationOptions({
      onSuccess: () => {
        toast.push({ tone: 'ok', text: 'Token revoked: it no longer opens anything.' });
        void refresh();
      },
    }),
  );
  const a = q.data;
  if (!a) return null;
  const now = q.dataUpdatedAt;
  return (
    <Card className="p-4" data-testid="access">
      <h2 className="mb-2 text-xs font-semibold tracking-wide text-muted uppercase">Sign-ins and API tokens</h2>
      {!a.enabled ? (
        <p className="text-sm text-muted">
          No password or token is set, so the library answers only on this machine and asks nobody to sign in. To use it from a laptop or phone, set{' '}
          <code className="text-fg">MISMO_PASSWORD</code> and <code className="text-fg">HOST</code> (see Security in the README).
        </p>
      ) : (
        <div className="grid gap-6 lg:grid-cols-2">
          <div>
            <div className="mb-2 flex items-center justify-between gap-2">
              <h3 className="text-sm font-medium">Signed-in browsers</h3>
              {a.sessions.length ? (
                confirmAll ? (
                  <span className="flex items-center gap-2">
                    <Button size="sm" variant="danger" disabled={everywhere.isPending} onClick={() => everywhere.mutate()} data-testid="confirm-sign-out-everywhere">
                      Sign out all {a.sessions.length}
                    </Button>
                    <Button size="sm" variant="ghost" onClick={() => setConfirmAll(false)}>
                      Cancel
                    </Button>
                  </span>
                ) : (
                  <Button size="sm" onClick={() => setConfirmAll(true)} data-testid="sign-out-everywhere">
                    <LogOut size={14} /> Sign out everywhere
                  </Button>
                )
              ) : null}
            </div>
            {a.sessions.length ? (
              <ul className="flex flex-col divide-y divide-line text-sm" data-testid="sessions">
                {a.sessions.map((s) => (
                  <li key={s.id} className="flex items-center gap-3 py-2" data-testid="session-row">
                    <MonitorSmartphone size={16} className="shrink-0 text-muted" aria-hidden />
                    <div className="min-w-0 flex-1">
                      <div className="flex items-center gap-2 truncate" title={s.userAgent ?? ''}>
                        {deviceName(s.userAgent)}
                        {s.current ? <Badge tone="accent">this browser</Badge> : null}
                      </div>
                      <div className="text-xs text-faint">
                        {s.address ?? 'unknown address'} · signed in {formatAgo(s.createdAt, now)} · last seen {formatAgo(s.lastSeenAt, now)}
                      </div>
                    </div>
                    <Button size="sm" variant="ghost" disabled={revoke.isPending} onClick={() => revoke.mutate({ id: s.id })} aria-label={`Sign out ${deviceName(s.userAgent)}`}>
                      Sign out
                    </Button>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-muted">{a.passwordLogin ? 'No browser is signed in.' : 'Password sign-in is off (no MISMO_PASSWORD); tools use tokens.'}</p>
            )}
          </div>
          <div>
            <h3 className="mb-2 text-sm font-medium">API tokens</h3>
            <form
              className="mb-3 flex gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                if (name.trim()) create.mutate({ name: name.trim() });
              }}
            >
              <Input aria-label="New token name" placeholder="Name, e.g. rekordbox sync" value={name} maxLength={80} onChange={(e) => setName(e.target.value)} />
              <Button type="submit" variant="primary" disabled={!name.trim() || create.isPending}>
                <KeyRound size={14} /> Create
              </Button>
            </form>
            {fresh ? (
              <div className="mb-3 rounded-md border border-accent/60 bg-accent/10 p-3 text-sm" data-testid="new-token">
                <p className="mb-1">
                  Token for <b>{fresh.name}</b>. Copy it now: it is shown only this once.
                </p>
                <div className="flex items-center gap-2">
                  <code className="min-w-0 flex-1 truncate rounded bg-panel px-2 py-1 font-mono text-xs" data-testid="new-token-value">
                    {fresh.token}
                  </code>
                  <Button
                    size="sm"
                    onClick={() =>
                      void navigator.clipboard?.writeText(fresh.token).then(
                        () => toast.push({ tone: 'ok', text: 'Copied.' }),
                        () => toast.push({ tone: 'error', text: 'Copying is blocked here; select the text instead.' }),
                      )
                    }
                  >
                    <Copy size={14} /> Copy
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => setFresh(null)}>
                    Done
                  </Button>
                </div>
              </div>
            ) : null}
            <ul className="flex flex-col divide-y divide-line text-sm" data-testid="tokens">
              {a.envToken ? (
                <li className="flex items-center gap-3 py-2 text-muted">
                  <KeyRound size={16} className="shrink-0" aria-hidden />
                  <span className="flex-1">API_TOKEN from the configuration (change it there)</span>
                </li>
              ) : null}
              {a.tokens.map((t) => (
                <li key={t.id} className="flex items-center gap-3 py-2" data-testid="token-row">
                  <KeyRound size={16} className="shrink-0 text-muted" aria-hidden />
                  <div className="min-w-0 flex-1">
                    <div className="truncate">{t.name}</div>
                    <div className="text-xs text-faint">
                      <code>{t.prefix}…</code> · made {formatAgo(t.createdAt, now)} · last used {formatAgo(t.lastUsedAt, now)}
                    </div>
                  </div>
                  <Button size="sm" variant="ghost" disabled={revokeToken.isPending} onClick={() => revokeToken.mutate({ id: t.id })} aria-label={`Revoke ${t.name}`}>
                    Revoke
                  </Button>
                </li>
              ))}
              {!a.envToken && !a.tokens.length ? <li className="py-2 text-muted">No tokens yet.</li> : null}
            </ul>
          </div>
        </div>
      )}
    </Card>
  );
}

import { login } from '@/server/auth/login';
import { sessionCookie } from '@/server/auth/session';
import { DomainError } from '@/server/errors';
import { clientAddress, getWebRuntime } from '@/server/web/runtime';

export const dynamic = 'force-dynamic';

/** `{"password": "…"}` as JSON (the gate caps the body at a few KB) → a session cookie. */
export async function POST(req: Request) {
  const rt = getWebRuntime();
  if (!/^application\/json\b/i.test(req.headers.get('content-type') ?? '')) return Response.json({ error: 'Send {"password": "..."} as application/json' }, { status: 415 });
  let password: unknown;
  try {
    password = ((await req.json()) as { password?: unknown } | null)?.password;
  } catch {
    return Response.json({ error: 'Send {"password": "..."}' }, { status: 400 });
  }
  try {
    const client = { address: clientAddress(req.headers), userAgent: req.headers.get('user-agent') };
    const { token, expiresAt } = await login(rt.app.db, rt.app.env, rt.signingKey, rt.limiter, client, password, () => rt.app.clock.now());
    const secure = new URL(req.url).protocol === 'https:';
    return Response.json({ ok: true, expiresAt }, { headers: { 'set-cookie': sessionCookie(token, expiresAt - rt.app.clock.now(), secure), 'cache-control': 'no-store' } });
  } catch (e) {
    if (e instanceof DomainError) {
      const status = e.code === 'UNAUTHORIZED' ? 401 : e.code === 'PRECONDITION' && e.details?.retryAfterMs ? 429 : 400;
      const headers: Record<string, string> = {};
      if (status === 429) headers['retry-after'] = String(Math.ceil(Number(e.details?.retryAfterMs) / 1000));
      return Response.json({ error: e.message }, { status, headers });
    }
    throw e;
  }
}

import { login } from '@/server/auth/login';
import { sessionCookie } from '@/server/auth/session';
import { DomainError } from '@/server/errors';
import { clientAddress, getWebRuntime } from '@/server/web/runtime';

export const dynamic = 'force-dynamic';

export async function POST(req: Request) {
  const rt = getWebRuntime();
  let password: unknown;
  try {
    const type = req.headers.get('content-type') ?? '';
    password = type.includes('application/json') ? ((await req.json()) as { password?: unknown }).password : (await req.formData()).get('password');
  } catch {
    return Response.json({ error: 'Send {"password": "..."}' }, { status: 400 });
  }
  try {
    const { token, expiresAt } = login(rt.app.env, rt.signingKey, rt.limiter, clientAddress(req.headers), password, rt.app.clock.now());
    const secure = new URL(req.url).protocol === 'https:';
    return Response.json({ ok: true, expiresAt }, { headers: { 'set-cookie': sessionCookie(token, expiresAt - rt.app.clock.now(), secure) } });
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

import { SESSION_COOKIE, clearSessionCookie, parseCookies, revokeSessionToken } from '@/server/auth/session';
import { authenticateRequest, getWebRuntime } from '@/server/web/runtime';

export const dynamic = 'force-dynamic';

/** Ends this browser's session on the server (the old cookie stops working) and clears it. Only a signed-in caller may. */
export function POST(req: Request) {
  const rt = getWebRuntime();
  const auth = authenticateRequest(rt, req.headers);
  if (!auth.ok) return Response.json({ error: 'Sign in first' }, { status: 401 });
  revokeSessionToken(rt.app.db, parseCookies(req.headers.get('cookie'))[SESSION_COOKIE], rt.app.clock.now());
  return Response.json({ ok: true }, { headers: { 'set-cookie': clearSessionCookie(), 'cache-control': 'no-store' } });
}

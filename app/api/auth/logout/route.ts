import { clearSessionCookie } from '@/server/auth/session';

export const dynamic = 'force-dynamic';

export function POST() {
  return Response.json({ ok: true }, { headers: { 'set-cookie': clearSessionCookie() } });
}

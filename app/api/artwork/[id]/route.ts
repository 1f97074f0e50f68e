import { artworkResponse } from '@/server/web/bytes';
import { getWebRuntime } from '@/server/web/runtime';

export const dynamic = 'force-dynamic';

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return artworkResponse(getWebRuntime(), req, id, new URL(req.url).searchParams.get('size'));
}

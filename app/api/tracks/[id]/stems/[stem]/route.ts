import { stemResponse } from '@/server/web/audio';
import { getWebRuntime } from '@/server/web/runtime';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ id: string; stem: string }> };

/** One separated stem (vocals, drums, bass, other) of the track, seekable (Range). */
export async function GET(req: Request, { params }: Ctx) {
  const { id, stem } = await params;
  return stemResponse(getWebRuntime(), req, id, stem);
}
export const HEAD = GET;

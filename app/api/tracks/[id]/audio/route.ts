import { audioResponse } from '@/server/web/audio';
import { getWebRuntime } from '@/server/web/runtime';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ id: string }> };

/** The track's file, seekable (Range); `?download=1` saves it under its own name. */
export async function GET(req: Request, { params }: Ctx) {
  const { id } = await params;
  return audioResponse(getWebRuntime(), req, id, { download: new URL(req.url).searchParams.has('download') });
}
export const HEAD = GET;

import { previewResponse } from '@/server/web/audio';
import { getWebRuntime } from '@/server/web/runtime';

export const dynamic = 'force-dynamic';

/** Something the browser can play and seek: the file, or a WAV decoded from AIFF, ALAC, WavPack… */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return previewResponse(getWebRuntime(), req, id);
}
export const HEAD = GET;

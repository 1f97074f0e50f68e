import { engineTrackInfoResponse } from '@/server/web/engine';
import { getWebRuntime } from '@/server/web/runtime';

export const dynamic = 'force-dynamic';

/** The track info the audio engine gets over its WebSocket, for callers that cannot use it (GET reads, POST also queues analysis). */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return engineTrackInfoResponse(getWebRuntime(), req, id);
}
export const POST = GET;

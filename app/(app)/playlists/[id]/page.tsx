import { PlaylistView } from '../../../_components/playlists/playlist-view';

export const metadata = { title: 'Playlist' };

export default async function PlaylistPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <PlaylistView key={id} id={id} />;
}

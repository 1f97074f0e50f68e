import { Suspense } from 'react';
import { PlaylistsOverview } from '../../_components/playlists/playlists-overview';

export const metadata = { title: 'Playlists' };

export default function PlaylistsPage() {
  return (
    <Suspense>
      <PlaylistsOverview />
    </Suspense>
  );
}

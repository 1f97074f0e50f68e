import { ListMusic } from 'lucide-react';
import { PageHeader } from '../../_components/ui/card';
import { FirstSteps } from '../../_components/first-steps';

export const metadata = { title: 'Playlists' };

export default function PlaylistsPage() {
  return (
    <div>
      <PageHeader title="Playlists" />
      <FirstSteps icon={<ListMusic size={22} />} title="No playlists yet">
        Static, smart and DJ-session playlists will live here.
      </FirstSteps>
    </div>
  );
}

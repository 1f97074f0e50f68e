import { PageHeader } from '../../_components/ui/card';
import { TrackList } from '../../_components/library/track-list';

export const metadata = { title: 'Library' };

export default function LibraryPage() {
  return (
    <div>
      <PageHeader title="Library" />
      <TrackList />
    </div>
  );
}

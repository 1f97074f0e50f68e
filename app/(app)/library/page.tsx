import { LibraryView } from '../../_components/library/library-view';

export const metadata = { title: 'Library' };

export default function LibraryPage() {
  return <LibraryView />;
}

import { DuplicatesView } from '../../_components/duplicates/duplicates-view';

export const metadata = { title: 'Duplicates' };

export default function DuplicatesPage() {
  return <DuplicatesView />;
}

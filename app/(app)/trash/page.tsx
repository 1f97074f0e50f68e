import { TrashView } from '../../_components/files/trash-view';

export const metadata = { title: 'Trash' };

export default function TrashPage() {
  return <TrashView />;
}

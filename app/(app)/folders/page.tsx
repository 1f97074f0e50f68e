import { FoldersView } from '../../_components/folders/folders-view';

export const metadata = { title: 'Folders' };

export default function FoldersPage() {
  return <FoldersView />;
}

import { Suspense } from 'react';
import { FolderBrowser } from '../../../_components/folders/folder-browser';

export const metadata = { title: 'Folder' };

export default async function FolderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense>
      <FolderBrowser directoryId={id} />
    </Suspense>
  );
}

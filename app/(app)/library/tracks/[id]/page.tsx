import Link from 'next/link';
import { ChevronLeft } from 'lucide-react';
import { TrackDetail } from '../../../../_components/library/track-detail';

export const metadata = { title: 'Track' };

export default async function TrackPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <div>
      <div className="border-b border-line px-6 py-2.5">
        <Link href="/library" className="inline-flex items-center gap-1 text-sm text-muted hover:text-fg">
          <ChevronLeft size={15} /> Library
        </Link>
      </div>
      <TrackDetail id={id} variant="page" />
    </div>
  );
}

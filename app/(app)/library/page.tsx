import { Library } from 'lucide-react';
import { PageHeader } from '../../_components/ui/card';
import { FirstSteps } from '../../_components/first-steps';

export const metadata = { title: 'Library' };

export default function LibraryPage() {
  return (
    <div>
      <PageHeader title="Library" />
      <FirstSteps icon={<Library size={22} />} title="No tracks yet">
        Tracks appear here once your folders have been scanned.
      </FirstSteps>
    </div>
  );
}

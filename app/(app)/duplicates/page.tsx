import { Copy } from 'lucide-react';
import { PageHeader } from '../../_components/ui/card';
import { FirstSteps } from '../../_components/first-steps';

export const metadata = { title: 'Duplicates' };

export default function DuplicatesPage() {
  return (
    <div>
      <PageHeader title="Duplicates" />
      <FirstSteps icon={<Copy size={22} />} title="No duplicates found">
        Copies of the same audio — even with different tags — are grouped here after a scan.
      </FirstSteps>
    </div>
  );
}

import { SystemView } from '../../_components/system/system-view';

export const metadata = { title: 'System' };

export default function SystemPage() {
  return <SystemView />;
}

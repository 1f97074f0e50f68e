import { ActivityView } from '../../_components/activity/activity-view';

export const metadata = { title: 'Activity' };

export default function ActivityPage() {
  return <ActivityView />;
}

import { SettingsView } from '../../_components/settings/settings-view';

export const metadata = { title: 'Settings' };

export default function SettingsPage() {
  return <SettingsView />;
}

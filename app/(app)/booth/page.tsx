import { BoothView } from '../../_components/suggest/booth-view';

export const metadata = { title: 'Booth' };

export default function BoothPage() {
  return <BoothView />;
}

import { AnalysisView } from '../../_components/analysis/analysis-view';

export const metadata = { title: 'Analysis' };

export default function AnalysisPage() {
  return <AnalysisView />;
}

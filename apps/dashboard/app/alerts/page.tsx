import type { Metadata } from 'next';
import { AlertsPage } from '../../components/alerts/AlertsPage';

export const metadata: Metadata = { title: 'Alerts · Faultline' };

export default function Page() {
  return <AlertsPage />;
}

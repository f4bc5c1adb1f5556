import type { Metadata } from 'next';
import { Suspense } from 'react';
import { SagasPage } from '../../components/sagas/SagasPage';

export const metadata: Metadata = { title: 'Sagas · Faultline' };

export default function Page() {
  // The page reads its filters from the URL (useSearchParams), which needs a Suspense boundary.
  return (
    <Suspense>
      <SagasPage />
    </Suspense>
  );
}

import { Suspense } from 'react';
import { BulkheadsView } from '../../components/BulkheadsView';

export default function BulkheadsPage() {
  return (
    <Suspense>
      <BulkheadsView />
    </Suspense>
  );
}

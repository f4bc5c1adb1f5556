import type { Metadata } from 'next';
import { SagaTimelinePage } from '../../../components/sagas/SagaTimelinePage';

export const metadata: Metadata = { title: 'Saga run · Faultline' };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <SagaTimelinePage id={safeDecode(id)} />;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Suspense } from 'react';
import { AppHeader } from '../components/AppHeader';
import { LiveProvider } from '../components/LiveProvider';
import './globals.css';

export const metadata: Metadata = {
  title: 'Faultline',
  description: 'Resilience observability: circuit breakers, bulkheads, sagas and cascades, live.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <LiveProvider>
          <Suspense fallback={<header className="app-header" />}>
            <AppHeader />
          </Suspense>
          <main className="app-main">{children}</main>
        </LiveProvider>
      </body>
    </html>
  );
}

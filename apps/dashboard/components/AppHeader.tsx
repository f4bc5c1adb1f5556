'use client';
import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { FiringIndicator } from './alerts/FiringIndicator';
import { useLive } from './LiveProvider';
import { replaceQuery } from './useUrlQuery';

const NAV = [
  { href: '/', label: 'Map' },
  { href: '/bulkheads', label: 'Bulkheads' },
  { href: '/sagas', label: 'Sagas' },
  { href: '/alerts', label: 'Alerts' },
];

export function AppHeader() {
  const pathname = usePathname();
  const params = useSearchParams();
  const { status: liveStatus } = useLive();
  // Until this header has hydrated it shows what the server rendered: the socket can connect before
  // this Suspense boundary hydrates, and hydrating with the new status is a text mismatch (React #418).
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const status = hydrated ? liveStatus : 'connecting';
  const historic = params.get('at') !== null;
  const [q, setQ] = useState(params.get('q') ?? '');

  useEffect(() => {
    setQ(params.get('q') ?? '');
  }, [params]);

  const live = historic
    ? { cls: 'history', text: '⏸ history', title: 'Showing a past moment; use the live button to return to now' }
    : status === 'connected'
      ? { cls: 'live', text: '● live', title: 'Receiving live updates' }
      : status === 'connecting'
        ? { cls: 'connecting', text: '◌ connecting', title: 'Connecting to live updates' }
        : { cls: 'offline', text: '○ offline', title: 'Live updates disconnected; retrying' };

  return (
    <header className="app-header">
      <Link href="/" className="brand">
        Faultline
      </Link>
      <nav aria-label="Views">
        {NAV.map((n) => {
          const active = n.href === '/' ? pathname === '/' || pathname === '/map' : pathname.startsWith(n.href);
          return (
            <Link key={n.href} href={n.href} aria-current={active ? 'page' : undefined}>
              {n.label}
            </Link>
          );
        })}
      </nav>
      <search className="search">
        <input
          type="search"
          placeholder="Search services"
          aria-label="Search services"
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            replaceQuery({ q: e.target.value || null });
          }}
        />
      </search>
      <output className={`live-indicator ${live.cls}`} title={live.title} aria-live="polite">
        {live.text}
      </output>
      <FiringIndicator />
    </header>
  );
}

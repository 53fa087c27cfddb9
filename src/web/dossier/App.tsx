import { useEffect } from 'react';
import { AppShell, NotFound, type AppInfo } from '../shared/layout.js';
import { navigate, Router, type Route } from '../shared/router.js';
import { ClientList } from './ClientList.js';
import { ClientPage } from './ClientPage.js';
import { ConsentPage } from './ConsentPage.js';
import { EXCHANGE_ROLES } from './exchange.js';
import { ExchangePage } from './ExchangePage.js';
import { TransferPage } from './Transfer.js';
import { CheckInPage } from './CheckIn.js';
import { SessionPage, SessionsPage } from './Sessions.js';

const app: AppInfo = {
  name: 'Dossier JGZ',
  description: 'Digitaal dossier jeugdgezondheidszorg',
  documentTitle: 'open-rvp — Dossier JGZ',
  nav: [
    { label: 'Cliënten', path: '/clients' },
    { label: 'Uitwisseling', path: '/exchange', roles: EXCHANGE_ROLES },
    { label: 'Overdrachten', path: '/transfers' },
    { label: 'Groepsvaccinaties', path: '/sessions' },
  ],
};

/** The dossier's pages. A new page is one more entry. */
export const routes: Route[] = [
  { pattern: '/', render: () => <Redirect to="/clients" /> },
  { pattern: '/clients', render: (_params, location) => <ClientList location={location} /> },
  {
    pattern: '/clients/:id',
    render: (params, location) => <ClientPage key={params.id} id={params.id ?? ''} location={location} />,
  },
  {
    pattern: '/clients/:id/consent',
    render: (params) => <ConsentPage key={params.id} id={params.id ?? ''} />,
  },
  { pattern: '/exchange', render: () => <ExchangePage /> },
  { pattern: '/transfers', render: () => <TransferPage /> },
  { pattern: '/sessions', render: () => <SessionsPage /> },
  { pattern: '/sessions/:id', render: (params) => <SessionPage key={params.id} id={params.id ?? ''} /> },
  {
    pattern: '/sessions/:id/check-in',
    render: (params) => <CheckInPage key={params.id} id={params.id ?? ''} />,
  },
];

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, {}, { replace: true }), [to]);
  return null;
}

export function App() {
  return (
    <AppShell app={app}>
      <Router routes={routes} notFound={() => <NotFound />} />
    </AppShell>
  );
}

import { useEffect } from 'react';
import { AppShell, NotFound, type AppInfo } from '../shared/layout.js';
import { navigate, Router, type Route } from '../shared/router.js';
import { ClientList } from './ClientList.js';
import { ClientPage } from './ClientPage.js';
import { ConsentPage } from './ConsentPage.js';
import { EXCHANGE_ROLES } from './exchange.js';
import { ExchangePage } from './ExchangePage.js';

const app: AppInfo = {
  name: 'Dossier JGZ',
  description: 'Digitaal dossier jeugdgezondheidszorg',
  documentTitle: 'open-rvp — Dossier JGZ',
  nav: [
    { label: 'Cliënten', path: '/clients' },
    { label: 'Uitwisseling', path: '/exchange', roles: EXCHANGE_ROLES },
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

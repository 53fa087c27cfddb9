import { useEffect } from 'react';
import { AppShell, NotFound, type AppInfo } from '../shared/layout.js';
import { navigate, Router, type Route } from '../shared/router.js';
import { Population } from './Population.js';

const app: AppInfo = {
  name: 'Register RVP',
  description: 'Landelijk register Rijksvaccinatieprogramma',
  documentTitle: 'open-rvp — Register RVP',
  nav: [{ label: 'Bevolking per gemeente', path: '/population' }],
};

/** The registry's pages; a new page is one more entry. */
export const routes: Route[] = [
  { pattern: '/', render: () => <Redirect to="/population" /> },
  { pattern: '/population', render: (_params, location) => <Population location={location} /> },
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

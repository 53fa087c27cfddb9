import { useEffect } from 'react';
import { AppShell, NotFound, type AppInfo } from '../shared/layout.js';
import { navigate, Router, type Route } from '../shared/router.js';
import { WORKLIST_ROLES } from './api.js';
import { Population } from './Population.js';
import { Worklist } from './Worklist.js';

const app: AppInfo = {
  name: 'Register RVP',
  description: 'Landelijk register Rijksvaccinatieprogramma',
  documentTitle: 'open-rvp — Register RVP',
  nav: [
    { label: 'Bevolking per gemeente', path: '/population' },
    { label: 'Werklijst berichten', path: '/worklist', roles: WORKLIST_ROLES },
  ],
};

/** The registry's pages; a new page is one more entry. */
export const routes: Route[] = [
  { pattern: '/', render: () => <Redirect to="/population" /> },
  { pattern: '/population', render: (_params, location) => <Population location={location} /> },
  { pattern: '/worklist', render: () => <Worklist /> },
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

import { useEffect } from 'react';
import { AppShell, NotFound, type AppInfo } from '../shared/layout.js';
import { navigate, Router, type Route } from '../shared/router.js';
import { STAFF_ROLES, WORKLIST_ROLES } from './api.js';
import { PersonPage, PersonSearch } from './Persons.js';
import { Population } from './Population.js';
import { RunPage, Runs } from './Runs.js';
import { Worklist } from './Worklist.js';

const app: AppInfo = {
  name: 'Register RVP',
  description: 'Landelijk register Rijksvaccinatieprogramma',
  documentTitle: 'open-rvp — Register RVP',
  nav: [
    { label: 'Bevolking per gemeente', path: '/population' },
    { label: 'Werklijst berichten', path: '/worklist', roles: WORKLIST_ROLES },
    { label: 'Persoon zoeken', path: '/persons', roles: STAFF_ROLES },
    { label: 'Uitnodigingsruns', path: '/runs', roles: STAFF_ROLES },
  ],
};

/** The registry's pages; a new page is one more entry. */
export const routes: Route[] = [
  { pattern: '/', render: () => <Redirect to="/population" /> },
  { pattern: '/population', render: (_params, location) => <Population location={location} /> },
  { pattern: '/worklist', render: () => <Worklist /> },
  { pattern: '/persons', render: (_params, location) => <PersonSearch location={location} /> },
  {
    pattern: '/persons/:id',
    render: (params, location) => <PersonPage id={params.id ?? ''} location={location} />,
  },
  { pattern: '/runs', render: () => <Runs /> },
  { pattern: '/runs/:id', render: (params) => <RunPage id={params.id ?? ''} /> },
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

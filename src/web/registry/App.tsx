import { useEffect } from 'react';
import { AppShell, NotFound, type AppInfo } from '../shared/layout.js';
import { navigate, Router, type Route } from '../shared/router.js';
import { STAFF_ROLES, WORKLIST_ROLES } from './api.js';
import { CampaignLocation, Campaigns } from './Campaigns.js';
import { Coverage } from './Coverage.js';
import { PersonPage, PersonSearch } from './Persons.js';
import { Population } from './Population.js';
import { Reports } from './Reports.js'; // issue 10
import { RunPage, Runs } from './Runs.js';
import { Supply } from './Supply.js'; // issue 10
import { Worklist } from './Worklist.js';
import { UNMATCHED_ROLES, UnmatchedForms } from './UnmatchedForms.js';

const app: AppInfo = {
  name: 'Register RVP',
  description: 'Landelijk register Rijksvaccinatieprogramma',
  documentTitle: 'open-rvp — Register RVP',
  nav: [
    { label: 'Bevolking per gemeente', path: '/population' },
    { label: 'Vaccinatiegraad', path: '/coverage' },
    { label: 'Rapportages', path: '/reports' },
    { label: 'Vaccinvoorraad', path: '/supply', roles: STAFF_ROLES },
    { label: 'Werklijst berichten', path: '/worklist', roles: WORKLIST_ROLES },
    { label: 'Formulieren zonder BSN', path: '/registration-forms', roles: UNMATCHED_ROLES },
    { label: 'Persoon zoeken', path: '/persons', roles: STAFF_ROLES },
    { label: 'Uitnodigingsruns', path: '/runs', roles: STAFF_ROLES },
    { label: 'Campagnes', path: '/campaigns', roles: STAFF_ROLES },
  ],
};

/** The registry's pages; a new page is one more entry. */
export const routes: Route[] = [
  { pattern: '/', render: () => <Redirect to="/population" /> },
  { pattern: '/population', render: (_params, location) => <Population location={location} /> },
  { pattern: '/coverage', render: () => <Coverage /> },
  { pattern: '/reports', render: () => <Reports /> },
  { pattern: '/supply', render: () => <Supply /> },
  { pattern: '/worklist', render: () => <Worklist /> },
  { pattern: '/registration-forms', render: () => <UnmatchedForms /> },
  { pattern: '/persons', render: (_params, location) => <PersonSearch location={location} /> },
  {
    pattern: '/persons/:id',
    render: (params, location) => <PersonPage id={params.id ?? ''} location={location} />,
  },
  { pattern: '/runs', render: () => <Runs /> },
  { pattern: '/runs/:id', render: (params) => <RunPage id={params.id ?? ''} /> },
  { pattern: '/campaigns', render: () => <Campaigns /> },
  { pattern: '/campaigns/:id/location', render: (params) => <CampaignLocation id={params.id ?? ''} /> },
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

/** "Persoon zoeken" (exact BSN) and a person's vaccinations with validity and forecast (R-R3). */
import { useId, useState, type FormEvent } from 'react';
import {
  Alert,
  Button,
  DataList,
  describedBy,
  FormField,
  FormFieldDescription,
  FormLabel,
  Link,
  PageTitle,
  Paragraph,
  ProblemAlert,
  Section,
  Table,
  TableBody,
  TableCaption,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Textbox,
} from '../shared/components.js';
import { ErrorText } from '../shared/form.js';
import { formatDate, formatDateTime, formatName } from '../shared/format.js';
import { useDocumentTitle, useSession } from '../shared/layout.js';
import { navigate, type Location } from '../shared/router.js';
import { useApi } from '../shared/useApi.js';
import {
  findPersons,
  getCitizenRequests,
  getPersonSchedule,
  STAFF_ROLES,
  type PersonSchedule,
  type PersonSummary,
} from './api.js';
import {
  bsnProblem,
  compactBsn,
  forecastSentence,
  forecastStatusLabel,
  validityLabel,
  validityReason,
  vaccineNames,
} from './persons.js';

const personName = (p: PersonSummary): string =>
  formatName({ givenName: p.givenName, prefix: p.namePrefix, familyName: p.familyName });

export function StaffOnly({ what }: { what: string }) {
  return (
    <>
      <Alert type="warning">Alleen medewerkers en analisten van het register zien {what}.</Alert>
      <Paragraph>
        <Link href="#/">Naar de startpagina</Link>
      </Paragraph>
    </>
  );
}

export function PersonSearch({ location }: { location: Location }) {
  const documentTitle = useDocumentTitle('Persoon zoeken');
  const { user } = useSession();
  const bsn = location.query.get('bsn') ?? '';
  return (
    <>
      <PageTitle documentTitle={documentTitle}>Persoon zoeken</PageTitle>
      <Paragraph purpose="lead">
        Zoek een persoon in het register op het volledige BSN. Elke zoekvraag wordt vastgelegd.
      </Paragraph>
      {STAFF_ROLES.includes(user.role) ? (
        <>
          <SearchForm key={bsn} initial={bsn} />
          {bsn ? <SearchResults bsn={bsn} /> : null}
        </>
      ) : (
        <StaffOnly what="personen" />
      )}
    </>
  );
}

function SearchForm({ initial }: { initial: string }) {
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const ids = { bsn: useId(), hint: useId() };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problem = bsnProblem(value);
    setError(problem);
    if (!problem) navigate('/persons', { bsn: compactBsn(value) });
  };
  return (
    <form className="rvp-form" aria-label="Persoon zoeken" onSubmit={submit} noValidate>
      <FormField invalid={Boolean(error)}>
        <FormLabel htmlFor={ids.bsn}>BSN</FormLabel>
        <FormFieldDescription id={ids.hint}>9 cijfers, punten en spaties mogen.</FormFieldDescription>
        <ErrorText id={`${ids.bsn}-error`} messages={error ? [error] : undefined} />
        <div className="rvp-field-row">
          <Textbox
            id={ids.bsn}
            inputMode="numeric"
            autoComplete="off"
            value={value}
            invalid={Boolean(error)}
            aria-describedby={describedBy(ids.hint, error && `${ids.bsn}-error`)}
            onChange={(event) => setValue(event.target.value)}
          />
          <Button type="submit" purpose="primary">
            Zoeken
          </Button>
        </div>
      </FormField>
    </form>
  );
}

function SearchResults({ bsn }: { bsn: string }) {
  const result = useApi((signal) => findPersons(bsn, signal), [bsn]);
  if (result.status === 'error') return <ProblemAlert problem={result.problem} />;
  if (result.status === 'loading')
    return (
      <Paragraph role="status" className="rvp-muted">
        Zoeken…
      </Paragraph>
    );
  const items = result.data.items;
  if (items.length === 0)
    return (
      <Paragraph role="status" data-testid="persons-none">
        Geen persoon gevonden met dit BSN.
      </Paragraph>
    );
  return (
    <Table data-testid="persons-table">
      <TableCaption className="rvp-visually-hidden">Gevonden personen</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Naam</TableHeaderCell>
          <TableHeaderCell>Geboortedatum</TableHeaderCell>
          <TableHeaderCell>Gemeente</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((person) => (
          <TableRow key={person.id}>
            <TableCell>
              <Link href={`#/persons/${person.id}`}>{personName(person)}</Link>
            </TableCell>
            <TableCell>{formatDate(person.birthDate)}</TableCell>
            <TableCell>
              {person.municipality ? (person.municipality.name ?? person.municipality.code) : 'onbekend'}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function PersonPage({ id, location }: { id: string; location: Location }) {
  const documentTitle = useDocumentTitle('Vaccinaties en prognose');
  const { user } = useSession();
  const on = location.query.get('on') ?? undefined;
  return (
    <>
      <PageTitle documentTitle={documentTitle}>Vaccinaties en prognose</PageTitle>
      <Paragraph>
        <Link href="#/persons">Terug naar persoon zoeken</Link>
      </Paragraph>
      {STAFF_ROLES.includes(user.role) ? (
        <PersonSchedulePanel id={id} on={on} />
      ) : (
        <StaffOnly what="personen" />
      )}
    </>
  );
}

function PersonSchedulePanel({ id, on }: { id: string; on: string | undefined }) {
  const schedule = useApi((signal) => getPersonSchedule(id, on, signal), [id, on]);
  const dateId = useId();
  if (schedule.status === 'error') return <ProblemAlert problem={schedule.problem} />;
  if (schedule.status === 'loading')
    return (
      <Paragraph role="status" className="rvp-muted">
        Vaccinaties laden…
      </Paragraph>
    );
  const data = schedule.data;
  return (
    <>
      <DataList
        label="Persoon"
        items={[
          { term: 'Geboortedatum', value: formatDate(data.birthDate) },
          { term: 'Schema', value: data.schedule },
          { term: 'Beoordeeld op', value: formatDate(data.assessmentDate) },
        ]}
      />
      <FormField>
        <FormLabel htmlFor={dateId}>Beoordelen op datum</FormLabel>
        <Textbox
          id={dateId}
          type="date"
          value={data.assessmentDate}
          onChange={(event) => {
            if (event.target.value) navigate(`/persons/${id}`, { on: event.target.value });
          }}
        />
      </FormField>
      <Section title="Prognose per vaccinatiegroep" testId="forecast">
        <ForecastTable data={data} />
      </Section>
      <Section title="Vaccinaties" testId="doses">
        <DoseTable data={data} />
      </Section>
      <Section title="Verzoeken van de burger" testId="citizen-requests">
        <CitizenRequestsPanel id={id} />
      </Section>
    </>
  );
}

function ForecastTable({ data }: { data: PersonSchedule }) {
  if (data.vaccineGroups.length === 0)
    return <Paragraph data-testid="forecast-none">Geen vaccinatiegroepen in het schema.</Paragraph>;
  return (
    <Table data-testid="forecast-table">
      <TableCaption className="rvp-visually-hidden">Prognose per vaccinatiegroep</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Vaccinatiegroep</TableHeaderCell>
          <TableHeaderCell>Status</TableHeaderCell>
          <TableHeaderCell>Volgende dosis</TableHeaderCell>
          <TableHeaderCell>Vanaf</TableHeaderCell>
          <TableHeaderCell>Aanbevolen</TableHeaderCell>
          <TableHeaderCell>Te laat vanaf</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {data.vaccineGroups.map((group) => (
          <TableRow key={group.vaccineGroup} data-status={group.status}>
            <TableCell>
              {group.vaccineGroup}
              {group.vaccines.length > 0 ? (
                <span className="rvp-cell-meta">{group.vaccines.map((v) => v.name).join(', ')}</span>
              ) : null}
            </TableCell>
            <TableCell>
              {forecastStatusLabel(group.status)}
              <span className="rvp-cell-meta">{forecastSentence(group)}</span>
            </TableCell>
            <TableCell>{group.doseNumber ?? '—'}</TableCell>
            <TableCell className="rvp-nowrap">{formatDate(group.earliest) || '—'}</TableCell>
            <TableCell className="rvp-nowrap">{formatDate(group.recommended) || '—'}</TableCell>
            <TableCell className="rvp-nowrap">{formatDate(group.pastDue) || '—'}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function DoseTable({ data }: { data: PersonSchedule }) {
  if (data.doses.length === 0)
    return <Paragraph data-testid="doses-none">Er zijn geen vaccinaties geregistreerd.</Paragraph>;
  const names = vaccineNames(data);
  return (
    <Table data-testid="doses-table">
      <TableCaption className="rvp-visually-hidden">Geregistreerde vaccinaties</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Datum</TableHeaderCell>
          <TableHeaderCell>Vaccin</TableHeaderCell>
          <TableHeaderCell>Beoordeling</TableHeaderCell>
          <TableHeaderCell>Organisatie (URA)</TableHeaderCell>
          <TableHeaderCell>Contactmoment</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {data.doses.map((dose) => (
          <TableRow key={dose.vaccinationId} data-validity={dose.validity.status}>
            <TableCell className="rvp-nowrap">{formatDate(dose.date)}</TableCell>
            <TableCell>{names.get(dose.vaccineType) ?? dose.vaccineType}</TableCell>
            <TableCell>
              {validityLabel(dose.validity.status)}
              {dose.validity.reason ? (
                <span className="rvp-cell-meta">{validityReason(dose.validity.reason)}</span>
              ) : null}
            </TableCell>
            <TableCell>{dose.organisationUra}</TableCell>
            <TableCell>
              <span className="rvp-code">{dose.activityId}</span>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function CitizenRequestsPanel({ id }: { id: string }) {
  const requests = useApi((signal) => getCitizenRequests(id, signal), [id]);
  if (requests.status === 'error') return <ProblemAlert problem={requests.problem} />;
  if (requests.status === 'loading')
    return (
      <Paragraph role="status" className="rvp-muted">
        Verzoeken laden…
      </Paragraph>
    );
  const data = requests.data;
  return (
    <DataList
      label="Verzoeken van de burger"
      items={[
        {
          term: 'Ontkoppeld',
          value: data.unlinked ? `ja, sinds ${formatDateTime(data.unlinked.requestedAt)}` : 'nee',
        },
        { term: 'Melding geen toestemming', value: data.noConsentNotice ? 'actief' : 'geen' },
        {
          term: 'Vaccinatiebewijzen',
          value:
            data.certificates.length === 0
              ? 'geen'
              : data.certificates.map((c) => formatDate(c.issuedOn)).join(', '),
        },
      ]}
    />
  );
}

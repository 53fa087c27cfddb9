/** "Uitnodigingsruns": the runs, a form to start one (registry staff), and a run's letters (R-R4). */
import { useId, useState, type FormEvent } from 'react';
import {
  Button,
  DataList,
  describedBy,
  ErrorSummary,
  FormField,
  FormLabel,
  Link,
  PageTitle,
  Paragraph,
  ProblemAlert,
  Section,
  Select,
  Table,
  TableBody,
  TableCaption,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Textbox,
} from '../shared/components.js';
import { DateField, ErrorText, problemErrors, summaryOf, type FormErrors } from '../shared/form.js';
import { mapFieldErrors } from '../shared/form-errors.js';
import { formatDate, formatDateTime, formatNumber } from '../shared/format.js';
import { useDocumentTitle, useSession } from '../shared/layout.js';
import { navigate } from '../shared/router.js';
import { problemOf, useApi } from '../shared/useApi.js';
import {
  letterPdfUrl,
  listLetters,
  listRuns,
  RUN_START_ROLES,
  startRun,
  STAFF_ROLES,
  type InvitationRun,
} from './api.js';
import { StaffOnly } from './Persons.js';
import {
  checkRunForm,
  countLetters,
  emptyRunForm,
  mapRunErrors,
  runBody,
  runFieldLabels,
  runFields,
  runKindLabel,
  runKinds,
  type RunField,
  type RunFormValues,
} from './runs.js';

export function Runs() {
  const documentTitle = useDocumentTitle('Uitnodigingsruns');
  const { user } = useSession();
  return (
    <>
      <PageTitle documentTitle={documentTitle}>Uitnodigingsruns</PageTitle>
      <Paragraph purpose="lead">
        Uitnodigingen en herinneringen voor wie in een periode een vaccinatie krijgt, en de brieven per run.
      </Paragraph>
      {STAFF_ROLES.includes(user.role) ? (
        <>
          {RUN_START_ROLES.includes(user.role) ? <RunForm /> : null}
          <Section title="Runs" testId="runs">
            <RunTable />
          </Section>
        </>
      ) : (
        <StaffOnly what="uitnodigingsruns" />
      )}
    </>
  );
}

function RunForm() {
  const [values, setValues] = useState<RunFormValues>(emptyRunForm);
  const [errors, setErrors] = useState<FormErrors<RunField> | null>(null);
  const [busy, setBusy] = useState(false);
  const base = useId();
  const idOf = (field: RunField) => `${base}-${field}`;
  const set = (field: RunField) => (value: string) => setValues((v) => ({ ...v, [field]: value }));
  const byField = errors?.mapped.byField ?? {};

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const local = checkRunForm(values);
    if (local.length > 0) {
      setErrors({
        title: 'Er is iets niet goed ingevuld',
        mapped: mapFieldErrors(local, (f) => f as RunField),
      });
      return;
    }
    setErrors(null);
    setBusy(true);
    startRun(runBody(values)).then(
      (run) => {
        setBusy(false);
        navigate(`/runs/${run.id}`);
      },
      (error: unknown) => {
        setBusy(false);
        setErrors(problemErrors(problemOf(error), mapRunErrors));
      },
    );
  };

  return (
    <Section title="Run starten" testId="run-form">
      <form aria-label="Run starten" className="rvp-form" onSubmit={submit} noValidate>
        {errors ? (
          <ErrorSummary
            title={errors.title}
            errors={summaryOf(
              errors,
              runFields,
              idOf,
              (field, message) => `${runFieldLabels[field]}: ${message}`,
            )}
            attempt={errors}
          />
        ) : null}
        <FormField invalid={Boolean(byField.kind?.length)}>
          <FormLabel htmlFor={idOf('kind')}>{runFieldLabels.kind}</FormLabel>
          <ErrorText id={`${idOf('kind')}-error`} messages={byField.kind} />
          <Select
            id={idOf('kind')}
            value={values.kind}
            invalid={Boolean(byField.kind?.length)}
            aria-describedby={describedBy(Boolean(byField.kind?.length) && `${idOf('kind')}-error`)}
            onChange={(event) => set('kind')(event.target.value)}
          >
            <option value="">Kies…</option>
            {runKinds.map((kind) => (
              <option key={kind} value={kind}>
                {runKindLabel(kind)}
              </option>
            ))}
          </Select>
        </FormField>
        <DateField
          id={idOf('from')}
          label={runFieldLabels.from}
          value={values.from}
          onChange={set('from')}
          errors={byField.from}
        />
        <DateField
          id={idOf('to')}
          label={runFieldLabels.to}
          description="Wie in deze periode een vaccinatie krijgt, krijgt een brief."
          value={values.to}
          onChange={set('to')}
          errors={byField.to}
        />
        {values.kind === 'group-session' ? (
          <DateField
            id={idOf('sessionDate')}
            label={runFieldLabels.sessionDate}
            description="De selectie gebeurt 3 tot 4 weken vóór de eerste sessie."
            value={values.sessionDate}
            onChange={set('sessionDate')}
            errors={byField.sessionDate}
          />
        ) : null}
        <FormField invalid={Boolean(byField.organisationUra?.length)}>
          <FormLabel htmlFor={idOf('organisationUra')}>
            {runFieldLabels.organisationUra}
            {values.kind === 'group-session' ? '' : ' (optioneel)'}
          </FormLabel>
          <ErrorText id={`${idOf('organisationUra')}-error`} messages={byField.organisationUra} />
          <Textbox
            id={idOf('organisationUra')}
            inputMode="numeric"
            value={values.organisationUra}
            invalid={Boolean(byField.organisationUra?.length)}
            aria-describedby={describedBy(
              Boolean(byField.organisationUra?.length) && `${idOf('organisationUra')}-error`,
            )}
            onChange={(event) => set('organisationUra')(event.target.value)}
          />
        </FormField>
        <div className="rvp-button-group rvp-actions">
          <Button type="submit" purpose="primary" busy={busy}>
            Run starten
          </Button>
        </div>
      </form>
    </Section>
  );
}

function Counts({ run }: { run: InvitationRun }) {
  return (
    <ul className="rvp-summary" aria-label="Totalen">
      <li className="rvp-summary__item">
        <span>Personen bekeken</span>
        <span className="rvp-summary__value" data-testid="persons-seen">
          {formatNumber(run.personsSeen)}
        </span>
      </li>
      <li className="rvp-summary__item">
        <span>Uitnodigingen</span>
        <span className="rvp-summary__value" data-testid="invitation-count">
          {formatNumber(run.invitations)}
        </span>
      </li>
      <li className="rvp-summary__item">
        <span>Brieven</span>
        <span className="rvp-summary__value" data-testid="letter-count">
          {formatNumber(run.letters)}
        </span>
      </li>
    </ul>
  );
}

function RunTable() {
  const runs = useApi((signal) => listRuns(signal), []);
  if (runs.status === 'error') return <ProblemAlert problem={runs.problem} />;
  if (runs.status === 'loading')
    return (
      <Paragraph role="status" className="rvp-muted">
        Runs laden…
      </Paragraph>
    );
  const items = runs.data.items;
  if (items.length === 0) return <Paragraph data-testid="runs-none">Er zijn nog geen runs.</Paragraph>;
  return (
    <Table data-testid="runs-table">
      <TableCaption className="rvp-visually-hidden">Uitnodigingsruns</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Soort</TableHeaderCell>
          <TableHeaderCell>Periode</TableHeaderCell>
          <TableHeaderCell>Gestart</TableHeaderCell>
          <TableHeaderCell>Klaar</TableHeaderCell>
          <TableHeaderCell numeric>Personen</TableHeaderCell>
          <TableHeaderCell numeric>Uitnodigingen</TableHeaderCell>
          <TableHeaderCell numeric>Brieven</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((run) => (
          <TableRow key={run.id}>
            <TableCell>
              <Link href={`#/runs/${run.id}`}>{runKindLabel(run.kind)}</Link>
              {run.organisationUra ? <span className="rvp-cell-meta">URA {run.organisationUra}</span> : null}
            </TableCell>
            <TableCell className="rvp-nowrap">
              {formatDate(run.from)} t/m {formatDate(run.to)}
            </TableCell>
            <TableCell className="rvp-nowrap">
              {formatDateTime(run.startedAt)}
              <span className="rvp-cell-meta">{run.startedBy}</span>
            </TableCell>
            <TableCell className="rvp-nowrap">
              {run.finishedAt ? formatDateTime(run.finishedAt) : 'nog bezig'}
            </TableCell>
            <TableCell numeric>{formatNumber(run.personsSeen)}</TableCell>
            <TableCell numeric>{formatNumber(run.invitations)}</TableCell>
            <TableCell numeric>{formatNumber(run.letters)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function RunPage({ id }: { id: string }) {
  const documentTitle = useDocumentTitle('Brieven van een run');
  const { user } = useSession();
  return (
    <>
      <PageTitle documentTitle={documentTitle}>Brieven van een run</PageTitle>
      <Paragraph>
        <Link href="#/runs">Terug naar de uitnodigingsruns</Link>
      </Paragraph>
      {STAFF_ROLES.includes(user.role) ? <RunDetails id={id} /> : <StaffOnly what="uitnodigingsruns" />}
    </>
  );
}

function RunDetails({ id }: { id: string }) {
  const runs = useApi((signal) => listRuns(signal), [id]);
  const letters = useApi((signal) => listLetters(id, signal), [id]);
  const run = runs.data?.items.find((r) => r.id === id);
  return (
    <>
      {runs.status === 'error' ? <ProblemAlert problem={runs.problem} /> : null}
      {run ? (
        <>
          <DataList
            label="Run"
            items={[
              { term: 'Soort', value: runKindLabel(run.kind) },
              { term: 'Periode', value: `${formatDate(run.from)} t/m ${formatDate(run.to)}` },
              { term: 'Eerste sessie', value: formatDate(run.sessionDate) },
              { term: 'Organisatie (URA)', value: run.organisationUra ?? 'alle' },
              { term: 'Klaar', value: run.finishedAt ? formatDateTime(run.finishedAt) : 'nog bezig' },
            ]}
          />
          <Counts run={run} />
        </>
      ) : null}
      <Section title="Brieven" testId="letters">
        {letters.status === 'error' ? (
          <ProblemAlert problem={letters.problem} />
        ) : letters.status === 'loading' ? (
          <Paragraph role="status" className="rvp-muted">
            Brieven laden…
          </Paragraph>
        ) : letters.data.items.length === 0 ? (
          <Paragraph data-testid="letters-none">Deze run heeft geen brieven.</Paragraph>
        ) : (
          <Table data-testid="letters-table">
            <TableCaption className="rvp-visually-hidden">
              {countLetters(letters.data.items.length)}
            </TableCaption>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Naam</TableHeaderCell>
                <TableHeaderCell>Geboortedatum</TableHeaderCell>
                <TableHeaderCell>Uitnodigingen</TableHeaderCell>
                <TableHeaderCell>Organisatie (URA)</TableHeaderCell>
                <TableHeaderCell>Brief</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {letters.data.items.map((letter) => (
                <TableRow key={letter.id} data-testid="letter">
                  <TableCell>
                    <Link href={`#/persons/${letter.personId}`}>{letter.name}</Link>
                  </TableCell>
                  <TableCell className="rvp-nowrap">{formatDate(letter.birthDate)}</TableCell>
                  <TableCell>
                    <ul className="rvp-plain-list">
                      {letter.invitations.map((i) => (
                        <li key={`${i.vaccineGroup}:${i.doseNumber}`}>
                          {i.description} (dosis {i.doseNumber}, {formatDate(i.dueDate)})
                        </li>
                      ))}
                    </ul>
                  </TableCell>
                  <TableCell>
                    {letter.organisationUra ?? <span className="rvp-muted">onbekend</span>}
                  </TableCell>
                  <TableCell>
                    <a
                      className="nl-link"
                      href={letterPdfUrl(letter.id)}
                      target="_blank"
                      rel="noopener"
                      data-testid="letter-pdf"
                    >
                      PDF{letter.withCertificate ? ' (met bewijs)' : ''}
                    </a>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Section>
    </>
  );
}

/**
 * "Toestemming gegevensuitwisseling RVP" of one client (SPEC §3): who may consent today, the decision
 * with the path through the tree, the records that hold, registration of a record and of a competence
 * judgement, the decision on another date, and the full history. Every decision and every refusal is
 * the server's; the page shows them with their reasons. Nothing is ever pre-set (R-C1).
 */
import { useCallback, useId, useState, type FormEvent, type ReactNode } from 'react';
import type { Problem } from '../shared/api.js';
import {
  Alert,
  Button,
  DataList,
  describedBy,
  ErrorSummary,
  FormField,
  FormFieldDescription,
  FormLabel,
  Heading,
  Link,
  PageTitle,
  Paragraph,
  ProblemAlert,
  RadioGroup,
  Section,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Textarea,
  Textbox,
} from '../shared/components.js';
import { formatBsn, formatDate, formatDateTime, formatKind, formatName } from '../shared/format.js';
import { DateField, ErrorText, problemErrors, summaryOf, type FormErrors } from '../shared/form.js';
import { useDocumentTitle, useSession } from '../shared/layout.js';
import { href } from '../shared/router.js';
import { problemOf, useApi } from '../shared/useApi.js';
import { getClient, type ClientDetail } from './api.js';
import {
  ageBandText,
  CONSENT_METHODS,
  CONSENT_SOURCES,
  decisionLabel,
  emptyCompetenceForm,
  emptyConsentForm,
  getConsent,
  getConsentHistory,
  mapCompetenceErrors,
  mapConsentErrors,
  mayConsentNow,
  methodLabel,
  methodLabels,
  missingCompetenceFields,
  missingConsentFields,
  readablePath,
  readableText,
  registerCompetence,
  registerConsent,
  repairsText,
  roleLabel,
  sourceLabels,
  sourcesFor,
  toConsentRequest,
  transitionText,
  type CompetenceFormField,
  type CompetenceFormValues,
  type ConsentFormField,
  type ConsentFormValues,
  type ConsentHistory,
  type ConsentOverview,
  type ConsentPerson,
  type Evaluation,
  type StoredRecord,
} from './consent.js';

type Kind = ClientDetail['kind'];

export function ConsentPage({ id }: { id: string }) {
  // Bumped after every registration: the overview and the history are loaded again.
  const [version, setVersion] = useState(0);
  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  const client = useApi((signal) => getClient(id, signal), [id]);
  const overview = useApi((signal) => getConsent(id, undefined, signal), [id, version]);
  const history = useApi((signal) => getConsentHistory(id, signal), [id, version]);

  const back = (
    <Paragraph>
      <Link href={href(`/clients/${encodeURIComponent(id)}`)}>← Terug naar het dossier</Link>
    </Paragraph>
  );

  const failed = client.status === 'error' ? client : overview.status === 'error' ? overview : null;
  if (failed && failed.status === 'error' && (!client.data || !overview.data)) {
    const notFound = failed.problem.status === 404;
    return (
      <>
        <Title title={notFound ? 'Cliënt niet gevonden' : 'Toestemming gegevensuitwisseling'} />
        {back}
        {notFound ? (
          <Alert type="warning">Deze cliënt bestaat niet of is niet in zorg bij uw organisatie.</Alert>
        ) : (
          <ProblemAlert problem={failed.problem} />
        )}
      </>
    );
  }
  if (!client.data || !overview.data) {
    return (
      <>
        {back}
        <Paragraph role="status" className="rvp-muted">
          Toestemming laden…
        </Paragraph>
      </>
    );
  }
  return (
    <ConsentView
      client={client.data}
      overview={overview.data}
      overviewProblem={overview.status === 'error' ? overview.problem : null}
      history={history.data ?? null}
      historyProblem={history.status === 'error' ? history.problem : null}
      version={version}
      onChange={refresh}
      back={back}
    />
  );
}

function Title({ title, page }: { title: string; page?: string }) {
  const documentTitle = useDocumentTitle(page ?? title);
  return <PageTitle documentTitle={documentTitle}>{title}</PageTitle>;
}

function ConsentView({
  client,
  overview,
  overviewProblem,
  history,
  historyProblem,
  version,
  onChange,
  back,
}: {
  client: ClientDetail;
  overview: ConsentOverview;
  overviewProblem: Problem | null;
  history: ConsentHistory | null;
  historyProblem: Problem | null;
  version: number;
  onChange: () => void;
  back: ReactNode;
}) {
  const { user } = useSession();
  const name = formatName(client);
  const { evaluation } = overview;
  const band = ageBandText(evaluation.ageBand, client.kind, evaluation.ageOnEvaluationDate);
  const mayJudgeCompetence = client.kind === 'client' || evaluation.ageOnEvaluationDate >= 12;

  return (
    <>
      <Title title={`Toestemming gegevensuitwisseling: ${name}`} page={`Toestemming — ${name}`} />
      <Paragraph className="rvp-muted" data-testid="client-line">
        {formatKind(client.kind)}, {evaluation.ageOnEvaluationDate} jaar (geboren{' '}
        {formatDate(client.birthDate)}){client.bsn ? `, BSN ${formatBsn(client.bsn)}` : ', geen BSN'}
      </Paragraph>
      {back}

      <div className="rvp-age-band" data-testid="age-band">
        <p className="rvp-age-band__title">{band.title}</p>
        <Paragraph>{band.explanation}</Paragraph>
        <Paragraph>Zonder geregistreerde toestemming is er geen toestemming.</Paragraph>
      </div>

      {overview.upcoming.map((upcoming) => (
        <div className="rvp-section--tight" key={upcoming.age} data-testid="upcoming">
          <Alert type="warning">
            <strong>
              {name} wordt op {formatDate(upcoming.date)} {upcoming.age} jaar.
            </strong>{' '}
            <span>{upcoming.explanation}</span>{' '}
            <span>Bespreek dit op tijd met de jeugdige en de gezaghebbenden.</span>
          </Alert>
        </div>
      ))}

      {overviewProblem ? <ProblemAlert problem={overviewProblem} /> : null}

      <Section title="Besluit vandaag" testId="decision-today">
        <DecisionView evaluation={evaluation} persons={overview.persons} testId="decision" />
      </Section>

      <Section title="Wie mag nu toestemming geven">
        <WhoMayConsent overview={overview} kind={client.kind} />
      </Section>

      <Section title="Geldende registraties">
        <ActiveRecords overview={overview} kind={client.kind} />
      </Section>

      <Section title="Toestemming registreren">
        <ConsentForm clientId={client.id} overview={overview} kind={client.kind} onRegistered={onChange} />
      </Section>

      {mayJudgeCompetence ? (
        <Section title="Wilsbekwaamheid beoordelen">
          <CompetenceSection
            clientId={client.id}
            evaluation={evaluation}
            history={history}
            canJudge={user.role === 'jgz-professional'}
            onRegistered={onChange}
          />
        </Section>
      ) : null}

      <Section title="Besluit op een andere datum">
        <DecisionOnDate clientId={client.id} birthDate={client.birthDate} version={version} />
      </Section>

      <Section title="Geschiedenis" testId="history">
        {historyProblem ? <ProblemAlert problem={historyProblem} /> : null}
        {history ? (
          <History
            history={history}
            kind={client.kind}
            birthDate={client.birthDate}
            decisionToday={evaluation.decision}
          />
        ) : historyProblem ? null : (
          <Paragraph role="status" className="rvp-muted">
            Geschiedenis laden…
          </Paragraph>
        )}
      </Section>
    </>
  );
}

// The decision ------------------------------------------------------------------------------------------

function DecisionView({
  evaluation,
  persons,
  testId,
}: {
  evaluation: Evaluation;
  persons: ConsentPerson[];
  testId: string;
}) {
  const yes = evaluation.decision === 'toestemming';
  const steps = readablePath(evaluation.path, persons);
  const headingId = useId();
  return (
    <>
      <div
        className={`rvp-decision rvp-decision--${yes ? 'yes' : 'no'}`}
        data-testid={testId}
        data-decision={evaluation.decision}
      >
        <span className="rvp-decision__label">Besluit op {formatDate(evaluation.evaluationDate)}</span>
        <span className="rvp-decision__value">{decisionLabel(evaluation.decision)}</span>
      </div>
      <Heading level={3} id={headingId}>
        Waarom?
      </Heading>
      <ol className="rvp-path" aria-labelledby={headingId} data-testid={`${testId}-path`}>
        {steps.map((step, index) => (
          <li key={index} className="rvp-path__step">
            <span className="rvp-path__question">{step.question}</span>{' '}
            <span className="rvp-path__answer">{step.answer}</span>
          </li>
        ))}
      </ol>
    </>
  );
}

// Who may consent ----------------------------------------------------------------------------------------

function WhoMayConsent({ overview, kind }: { overview: ConsentOverview; kind: Kind }) {
  const roleOf = new Map(overview.persons.map((p) => [p.id, p.role]));
  return (
    <>
      {overview.whoMayConsent.length === 0 ? (
        <Paragraph data-testid="who-may-consent-none">
          Op dit moment kan niemand toestemming geven: er is geen persoon bekend die volgens de regels
          toestemming mag geven (bijvoorbeeld geen gezaghebbende, of bij wilsonbekwaamheid geen wettelijk
          vertegenwoordiger). Er is dus geen toestemming.
        </Paragraph>
      ) : (
        <ul className="rvp-list" data-testid="who-may-consent">
          {overview.whoMayConsent.map((person) => {
            const role = roleOf.get(person.personId);
            return (
              <li key={person.personId}>
                <strong>{person.name}</strong>
                {role ? ` (${roleLabel(role, kind)})` : ''}, met bron{' '}
                {person.sources.map((source, index) => (
                  <span key={source}>
                    {index > 0 ? (index === person.sources.length - 1 ? ' of ' : ', ') : ''}
                    <abbr title={sourceLabels[source]}>{source}</abbr>
                  </span>
                ))}
              </li>
            );
          })}
        </ul>
      )}
      <Heading level={3}>Wat betekenen de bronnen? (BDS 1535)</Heading>
      <DataList
        label="Betekenis van de bronnen"
        items={CONSENT_SOURCES.map((source) => ({ term: `Bron ${source}`, value: sourceLabels[source] }))}
      />
    </>
  );
}

// Records ---------------------------------------------------------------------------------------------

function personCell(person: ConsentPerson, kind: Kind): ReactNode {
  return (
    <>
      {person.name}
      <span className="rvp-cell-meta">{roleLabel(person.role, kind)}</span>
    </>
  );
}

function AgreedCell({ agreed }: { agreed: boolean }) {
  return (
    <span className={`rvp-decision-badge rvp-decision-badge--${agreed ? 'yes' : 'no'}`}>
      {agreed ? 'Ja' : 'Nee'}
    </span>
  );
}

function ActiveRecords({ overview, kind }: { overview: ConsentOverview; kind: Kind }) {
  const { evaluation } = overview;
  const active = overview.records.filter((r) => r.endDate === null);
  if (active.length === 0) {
    return (
      <Paragraph data-testid="active-records-none">
        Er zijn geen geldende registraties. Zonder registratie is er geen toestemming.
      </Paragraph>
    );
  }
  const counted = new Set(evaluation.activeRecords.map((r) => r.id));
  const ignored = new Map(evaluation.ignoredRecords.map((i) => [i.record.id, i.explanation]));
  return (
    <>
      <Paragraph className="rvp-muted">
        Registraties zonder einddatum, en of ze op {formatDate(evaluation.evaluationDate)} actief zijn. Hoe ze
        meewegen in het besluit staat bij ‘Waarom?’.
      </Paragraph>
      <Table data-testid="active-records" aria-label="Geldende registraties">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Persoon</TableHeaderCell>
            <TableHeaderCell>Toestemming</TableHeaderCell>
            <TableHeaderCell>Bron</TableHeaderCell>
            <TableHeaderCell>Datum</TableHeaderCell>
            <TableHeaderCell>Wijze</TableHeaderCell>
            <TableHeaderCell>Actief</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {active.map((record) => {
            const why = ignored.get(record.id);
            return (
              <TableRow key={record.id} data-record-id={record.id}>
                <TableCell>{personCell(record.sourcePerson, kind)}</TableCell>
                <TableCell>
                  <AgreedCell agreed={record.agreed} />
                </TableCell>
                <TableCell>
                  <SourceText source={record.source} />
                </TableCell>
                <TableCell className="rvp-nowrap">{formatDate(record.date)}</TableCell>
                <TableCell>{methodLabel(record.method) || <span className="rvp-muted">—</span>}</TableCell>
                <TableCell>
                  {counted.has(record.id)
                    ? 'ja'
                    : why
                      ? `nee: ${readableText(why, overview.persons)}`
                      : 'nee'}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </>
  );
}

function SourceText({ source }: { source: string }) {
  const label = sourceLabels[source as keyof typeof sourceLabels];
  return (
    <>
      <span className="rvp-nowrap">{source}</span>
      {label ? <span className="rvp-cell-meta">{label}</span> : null}
    </>
  );
}

// Registering a consent record ---------------------------------------------------------------------------

const consentFieldOrder: readonly ConsentFormField[] = [
  'personId',
  'agreed',
  'source',
  'date',
  'method',
  'note',
];

function ConsentForm({
  clientId,
  overview,
  kind,
  onRegistered,
}: {
  clientId: string;
  overview: ConsentOverview;
  kind: Kind;
  onRegistered: () => void;
}) {
  const base = useId();
  const idOf = (field: ConsentFormField): string => `${base}-${field}`;
  const [values, setValues] = useState<ConsentFormValues>(emptyConsentForm);
  const [errors, setErrors] = useState<FormErrors<ConsentFormField> | null>(null);
  const [busy, setBusy] = useState(false);
  const [success, setSuccess] = useState<string | null>(null);

  const sources = sourcesFor(values.personId, overview);
  const person = overview.persons.find((p) => p.id === values.personId);
  const allowedIds = new Set(overview.whoMayConsent.map((m) => m.personId));
  const allowedPersons = overview.persons.filter((p) => allowedIds.has(p.id));
  const otherPersons = overview.persons.filter((p) => !allowedIds.has(p.id));
  const fieldErrors = (field: ConsentFormField) => errors?.mapped.byField[field];
  const set = (patch: Partial<ConsentFormValues>) => setValues((current) => ({ ...current, ...patch }));

  function choosePerson(personId: string) {
    // Keep the chosen source only if the new person may use it; never choose one for the user.
    const offered = sourcesFor(personId, overview);
    set({ personId, source: (offered as string[]).includes(values.source) ? values.source : '' });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setSuccess(null);
    const missing = missingConsentFields(values);
    if (missing.length > 0) {
      setErrors({ title: 'Het formulier is nog niet volledig ingevuld', mapped: mapConsentErrors(missing) });
      return;
    }
    setBusy(true);
    try {
      const result = await registerConsent(clientId, toConsentRequest(values));
      const { record } = result;
      const ended =
        result.ended.length > 0
          ? ` De vorige registratie van ${record.sourcePerson.name} is beëindigd per ${formatDate(record.date)}.`
          : '';
      setSuccess(
        `Opgeslagen: ${record.sourcePerson.name} ${record.agreed ? 'gaf toestemming' : 'weigerde toestemming'} ` +
          `(bron ${record.source}) op ${formatDate(record.date)}.${ended} ` +
          `Het besluit van vandaag is nu: ${decisionLabel(result.evaluation.decision).toLowerCase()}.` +
          repairsText(result.repairsQueued),
      );
      setErrors(null);
      setValues(emptyConsentForm);
      onRegistered();
    } catch (error) {
      setErrors(problemErrors(problemOf(error), mapConsentErrors));
    } finally {
      setBusy(false);
    }
  }

  const personErrors = fieldErrors('personId');
  const sourceErrors = fieldErrors('source');
  const methodErrors = fieldErrors('method');
  const noteErrors = fieldErrors('note');
  const personHint =
    person && !mayConsentNow(person.id, overview)
      ? `${person.name} (${roleLabel(person.role, kind)}) mag volgens de regels op dit moment geen toestemming geven. ` +
        'U kunt de registratie wel invoeren; het systeem weigert haar dan en noemt de reden.'
      : null;

  return (
    <form
      className="rvp-form"
      noValidate
      onSubmit={(event) => void submit(event)}
      aria-label="Toestemming registreren"
    >
      <Paragraph>
        Leg vast wie toestemming gaf of weigerde, in welke hoedanigheid (bron) en op welke datum. Een nieuwe
        registratie van dezelfde persoon beëindigt diens vorige. Registraties worden nooit gewijzigd of
        verwijderd.
      </Paragraph>
      {success ? <Alert type="ok">{success}</Alert> : null}
      {errors ? (
        <ErrorSummary
          title={errors.title}
          errors={summaryOf(errors, consentFieldOrder, idOf)}
          attempt={errors}
        />
      ) : null}

      <FormField invalid={Boolean(personErrors)}>
        <FormLabel htmlFor={idOf('personId')}>Persoon</FormLabel>
        <FormFieldDescription id={`${idOf('personId')}-description`}>
          Wie gaf of weigerde de toestemming (BDS 1534)?
        </FormFieldDescription>
        <ErrorText id={`${idOf('personId')}-error`} messages={personErrors} />
        <Select
          id={idOf('personId')}
          value={values.personId}
          invalid={Boolean(personErrors)}
          aria-describedby={describedBy(
            `${idOf('personId')}-description`,
            personHint && `${idOf('personId')}-hint`,
            personErrors && `${idOf('personId')}-error`,
          )}
          onChange={(event) => choosePerson(event.target.value)}
        >
          <option value="">Kies…</option>
          {allowedPersons.length > 0 ? (
            <optgroup label="Mag nu toestemming geven">
              {allowedPersons.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({roleLabel(p.role, kind)})
                </option>
              ))}
            </optgroup>
          ) : null}
          {otherPersons.length > 0 ? (
            <optgroup label="Overige personen">
              {otherPersons.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({roleLabel(p.role, kind)})
                </option>
              ))}
            </optgroup>
          ) : null}
        </Select>
        {personHint ? (
          <p className="rvp-field-hint" id={`${idOf('personId')}-hint`}>
            {personHint}
          </p>
        ) : null}
      </FormField>

      <RadioGroup
        id={idOf('agreed')}
        name={`${base}-agreed`}
        legend="Toestemming gegeven?"
        description="Er is niets vooraf gekozen: kies wat de persoon heeft gezegd (BDS 1533)."
        options={[
          { value: 'yes', label: 'Ja, toestemming gegeven' },
          { value: 'no', label: 'Nee, toestemming geweigerd' },
        ]}
        value={values.agreed}
        onChange={(agreed) => set({ agreed })}
        error={fieldErrors('agreed')?.join(' ')}
      />

      <FormField invalid={Boolean(sourceErrors)}>
        <FormLabel htmlFor={idOf('source')}>Bron</FormLabel>
        <FormFieldDescription id={`${idOf('source')}-description`}>
          In welke hoedanigheid gaf de persoon toestemming (BDS 1535)?
          {person ? ' Alleen de bronnen die bij deze persoon passen staan in de lijst.' : ''}
        </FormFieldDescription>
        <ErrorText id={`${idOf('source')}-error`} messages={sourceErrors} />
        <Select
          id={idOf('source')}
          value={values.source}
          invalid={Boolean(sourceErrors)}
          aria-describedby={describedBy(
            `${idOf('source')}-description`,
            sourceErrors && `${idOf('source')}-error`,
          )}
          onChange={(event) => set({ source: event.target.value })}
        >
          <option value="">Kies…</option>
          {sources.map((source) => (
            <option key={source} value={source}>
              {source} – {sourceLabels[source]}
            </option>
          ))}
        </Select>
      </FormField>

      <DateField
        id={idOf('date')}
        label="Datum"
        description="De datum waarop de toestemming is gegeven of geweigerd (BDS 1536), niet in de toekomst."
        value={values.date}
        onChange={(date) => set({ date })}
        errors={fieldErrors('date')}
      />

      <FormField invalid={Boolean(methodErrors)}>
        <FormLabel htmlFor={idOf('method')}>Hoe is de toestemming gegeven? (optioneel)</FormLabel>
        <ErrorText id={`${idOf('method')}-error`} messages={methodErrors} />
        <Select
          id={idOf('method')}
          value={values.method}
          invalid={Boolean(methodErrors)}
          aria-describedby={describedBy(methodErrors && `${idOf('method')}-error`)}
          onChange={(event) => set({ method: event.target.value })}
        >
          <option value="">Niet vastgelegd</option>
          {CONSENT_METHODS.map((method) => (
            <option key={method} value={method}>
              {methodLabels[method]}
            </option>
          ))}
        </Select>
      </FormField>

      <FormField invalid={Boolean(noteErrors)}>
        <FormLabel htmlFor={idOf('note')}>Toelichting (optioneel)</FormLabel>
        <ErrorText id={`${idOf('note')}-error`} messages={noteErrors} />
        <Textarea
          id={idOf('note')}
          rows={3}
          maxLength={2000}
          value={values.note}
          invalid={Boolean(noteErrors)}
          aria-describedby={describedBy(noteErrors && `${idOf('note')}-error`)}
          onChange={(event) => set({ note: event.target.value })}
        />
      </FormField>

      <div className="rvp-button-group">
        <Button type="submit" purpose="primary" busy={busy}>
          Registratie opslaan
        </Button>
        <Button
          type="button"
          purpose="subtle"
          onClick={() => {
            setValues(emptyConsentForm);
            setErrors(null);
            setSuccess(null);
          }}
        >
          Formulier leegmaken
        </Button>
      </div>
    </form>
  );
}

// Competence ------------------------------------------------------------------------------------------

const competenceFieldOrder: readonly CompetenceFormField[] = ['date', 'competent', 'explanation'];

function CompetenceSection({
  clientId,
  evaluation,
  history,
  canJudge,
  onRegistered,
}: {
  clientId: string;
  evaluation: Evaluation;
  history: ConsentHistory | null;
  canJudge: boolean;
  onRegistered: () => void;
}) {
  const latest = [...(history?.judgements ?? [])]
    .filter((j) => j.date <= evaluation.evaluationDate)
    .sort((a, b) => a.date.localeCompare(b.date) || a.registeredAt.localeCompare(b.registeredAt))
    .at(-1);
  const state =
    evaluation.competent === false
      ? 'Geldt nu als wilsonbekwaam'
      : evaluation.competent === true
        ? 'Geldt nu als wilsbekwaam'
        : 'Nog niet van toepassing (onder 12 jaar)';
  return (
    <>
      <Paragraph data-testid="competence-state">
        <strong>{state}</strong>
        {latest
          ? ` (beoordeeld op ${formatDate(latest.date)} door ${latest.registeredBy.name ?? latest.registeredBy.id}).`
          : evaluation.competent === true
            ? ' (er is geen beoordeling vastgelegd; zonder beoordeling geldt een jeugdige van 12 jaar of ouder als wilsbekwaam).'
            : '.'}
      </Paragraph>
      <Paragraph>
        Een JGZ-professional kan een jeugdige van 12 jaar of ouder wilsonbekwaam beoordelen. Dan geeft de
        wettelijk vertegenwoordiger toestemming namens de jeugdige (bron 05). Een latere beoordeling vervangt
        de eerdere.
      </Paragraph>
      {canJudge ? (
        <CompetenceForm clientId={clientId} onRegistered={onRegistered} />
      ) : (
        <Alert type="info">Alleen een JGZ-professional kan de wilsbekwaamheid beoordelen.</Alert>
      )}
    </>
  );
}

function CompetenceForm({ clientId, onRegistered }: { clientId: string; onRegistered: () => void }) {
  const base = useId();
  const idOf = (field: CompetenceFormField): string => `${base}-${field}`;
  const [values, setValues] = useState<CompetenceFormValues>(emptyCompetenceForm);
  const [errors, setErrors] = useState<FormErrors<CompetenceFormField> | null>(null);
  const [busy, setBusy] = useState(false);
  const [success, setSuccess] = useState<string | null>(null);
  const set = (patch: Partial<CompetenceFormValues>) => setValues((current) => ({ ...current, ...patch }));
  const fieldErrors = (field: CompetenceFormField) => errors?.mapped.byField[field];
  const explanationErrors = fieldErrors('explanation');

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setSuccess(null);
    const missing = missingCompetenceFields(values);
    if (missing.length > 0) {
      setErrors({
        title: 'Het formulier is nog niet volledig ingevuld',
        mapped: mapCompetenceErrors(missing),
      });
      return;
    }
    setBusy(true);
    try {
      const result = await registerCompetence(clientId, {
        date: values.date,
        competent: values.competent === 'yes',
        explanation: values.explanation.trim(),
      });
      setSuccess(
        `Opgeslagen: ${result.judgement.competent ? 'wilsbekwaam' : 'wilsonbekwaam'} op ` +
          `${formatDate(result.judgement.date)}. Het besluit van vandaag is nu: ` +
          `${decisionLabel(result.evaluation.decision).toLowerCase()}.` +
          repairsText(result.repairsQueued),
      );
      setErrors(null);
      setValues(emptyCompetenceForm);
      onRegistered();
    } catch (error) {
      setErrors(problemErrors(problemOf(error), mapCompetenceErrors));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="rvp-form"
      noValidate
      onSubmit={(event) => void submit(event)}
      aria-label="Wilsbekwaamheid beoordelen"
    >
      {success ? <Alert type="ok">{success}</Alert> : null}
      {errors ? (
        <ErrorSummary
          title={errors.title}
          errors={summaryOf(errors, competenceFieldOrder, idOf)}
          attempt={errors}
        />
      ) : null}
      <DateField
        id={idOf('date')}
        label="Datum van de beoordeling"
        value={values.date}
        onChange={(date) => set({ date })}
        errors={fieldErrors('date')}
      />
      <RadioGroup
        id={idOf('competent')}
        name={`${base}-competent`}
        legend="Is de jeugdige wilsbekwaam?"
        description="Wilsbekwaam: in staat de gevolgen van de keuze over gegevensuitwisseling te overzien."
        options={[
          { value: 'yes', label: 'Ja, wilsbekwaam' },
          { value: 'no', label: 'Nee, wilsonbekwaam' },
        ]}
        value={values.competent}
        onChange={(competent) => set({ competent })}
        error={fieldErrors('competent')?.join(' ')}
      />
      <FormField invalid={Boolean(explanationErrors)}>
        <FormLabel htmlFor={idOf('explanation')}>Bijzonderheden wilsontwikkeling</FormLabel>
        <ErrorText id={`${idOf('explanation')}-error`} messages={explanationErrors} />
        <Textarea
          id={idOf('explanation')}
          rows={3}
          maxLength={2000}
          value={values.explanation}
          invalid={Boolean(explanationErrors)}
          aria-describedby={describedBy(explanationErrors && `${idOf('explanation')}-error`)}
          onChange={(event) => set({ explanation: event.target.value })}
        />
      </FormField>
      <div className="rvp-button-group">
        <Button type="submit" purpose="primary" busy={busy}>
          Beoordeling opslaan
        </Button>
      </div>
    </form>
  );
}

// The decision on another date ----------------------------------------------------------------------------

function DecisionOnDate({
  clientId,
  birthDate,
  version,
}: {
  clientId: string;
  birthDate: string;
  version: number;
}) {
  const base = useId();
  const inputId = `${base}-on`;
  const [input, setInput] = useState('');
  const [on, setOn] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const result = useApi(
    (signal) => (on ? getConsent(clientId, on, signal) : Promise.resolve(null)),
    [clientId, on, version],
  );
  const problem = result.status === 'error' ? result.problem : null;
  const messages = missing
    ? ['Vul een datum in.']
    : problem
      ? (problem.errors?.map((e) => e.message) ?? [problem.detail ?? problem.title])
      : undefined;
  const invalid = Boolean(messages?.length);

  function submit(event: FormEvent) {
    event.preventDefault();
    setMissing(!input);
    if (input) setOn(input);
  }

  return (
    <>
      <Paragraph>
        Het besluit op een eerdere of latere datum, met de registraties zoals ze nu bekend zijn. Bijvoorbeeld:
        had deze cliënt toestemming op de dag van een vaccinatie?
      </Paragraph>
      <form className="rvp-toolbar" noValidate onSubmit={submit} aria-label="Besluit op een andere datum">
        <FormField invalid={invalid}>
          <FormLabel htmlFor={inputId}>Peildatum</FormLabel>
          <ErrorText id={`${inputId}-error`} messages={messages} />
          <Textbox
            id={inputId}
            type="date"
            min={birthDate}
            value={input}
            invalid={invalid}
            aria-describedby={describedBy(invalid && `${inputId}-error`)}
            onChange={(event) => setInput(event.target.value)}
          />
        </FormField>
        <Button type="submit" purpose="secondary">
          Toon besluit
        </Button>
      </form>
      {on && result.status === 'loading' ? (
        <Paragraph role="status" className="rvp-muted">
          Besluit laden…
        </Paragraph>
      ) : null}
      {on && result.status === 'ok' && result.data ? (
        <div data-testid="decision-on-date-result">
          <DecisionView
            evaluation={result.data.evaluation}
            persons={result.data.persons}
            testId="decision-on-date"
          />
        </div>
      ) : null}
    </>
  );
}

// History ----------------------------------------------------------------------------------------------

function History({
  history,
  kind,
  birthDate,
  decisionToday,
}: {
  history: ConsentHistory;
  kind: Kind;
  birthDate: string;
  decisionToday: string;
}) {
  const first = history.transitions[0];
  // Without any change since birth, the decision then is today's.
  const atBirth = first ? first.previous : decisionToday;
  return (
    <>
      <Heading level={3}>Alle registraties</Heading>
      {history.records.length === 0 ? (
        <Paragraph data-testid="history-records-none">Er is nog nooit toestemming geregistreerd.</Paragraph>
      ) : (
        <HistoryRecords records={history.records} kind={kind} />
      )}

      <Heading level={3}>Beoordelingen van de wilsbekwaamheid</Heading>
      {history.judgements.length === 0 ? (
        <Paragraph data-testid="judgements-none">Er zijn geen beoordelingen vastgelegd.</Paragraph>
      ) : (
        <Table data-testid="judgements" aria-label="Beoordelingen van de wilsbekwaamheid">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Datum</TableHeaderCell>
              <TableHeaderCell>Wilsbekwaam</TableHeaderCell>
              <TableHeaderCell>Bijzonderheden wilsontwikkeling</TableHeaderCell>
              <TableHeaderCell>Vastgelegd</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {history.judgements.map((judgement) => (
              <TableRow key={judgement.id}>
                <TableCell className="rvp-nowrap">{formatDate(judgement.date)}</TableCell>
                <TableCell>{judgement.competent ? 'ja' : 'nee'}</TableCell>
                <TableCell>{judgement.explanation}</TableCell>
                <TableCell>
                  <Registered by={judgement.registeredBy} at={judgement.registeredAt} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}

      <Heading level={3}>Wijzigingen van het besluit</Heading>
      <ol className="rvp-list rvp-list--numbered" data-testid="transitions">
        <li>
          Vanaf de geboorte ({formatDate(birthDate)}): ‘{decisionLabel(atBirth).toLowerCase()}’.
        </li>
        {history.transitions.map((transition) => (
          <li key={`${transition.date}:${transition.decision}`} data-testid="transition">
            {transitionText(transition)}
          </li>
        ))}
      </ol>
    </>
  );
}

function Registered({ by, at }: { by: { id: string; name: string | null }; at: string }) {
  return (
    <>
      {by.name ?? by.id}
      <span className="rvp-cell-meta">{formatDateTime(at)}</span>
    </>
  );
}

function HistoryRecords({ records, kind }: { records: StoredRecord[]; kind: Kind }) {
  return (
    <>
      <Paragraph className="rvp-muted">
        {records.length === 1 ? '1 registratie' : `${records.length} registraties`}, ook beëindigde; oudste
        eerst.
      </Paragraph>
      <Table data-testid="history-records" aria-label="Alle registraties">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Persoon</TableHeaderCell>
            <TableHeaderCell>Toestemming</TableHeaderCell>
            <TableHeaderCell>Bron</TableHeaderCell>
            <TableHeaderCell>Datum</TableHeaderCell>
            <TableHeaderCell>Einddatum</TableHeaderCell>
            <TableHeaderCell>Wijze en toelichting</TableHeaderCell>
            <TableHeaderCell>Geregistreerd</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {records.map((record) => (
            <TableRow key={record.id} data-record-id={record.id}>
              <TableCell>{personCell(record.sourcePerson, kind)}</TableCell>
              <TableCell>
                <AgreedCell agreed={record.agreed} />
              </TableCell>
              <TableCell>
                <SourceText source={record.source} />
              </TableCell>
              <TableCell className="rvp-nowrap">{formatDate(record.date)}</TableCell>
              <TableCell className="rvp-nowrap">
                {record.endDate ? formatDate(record.endDate) : <span className="rvp-muted">geldt nog</span>}
              </TableCell>
              <TableCell>
                {methodLabel(record.method) || <span className="rvp-muted">—</span>}
                {record.note ? <span className="rvp-cell-meta">{record.note}</span> : null}
              </TableCell>
              <TableCell>
                <Registered by={record.registeredBy} at={record.registeredAt} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}

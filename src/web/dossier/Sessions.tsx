/**
 * Group sessions for the planner (issue 9; SPEC §6): plan a session and its cohort, make the letters,
 * register returned response cards by scanning their barcode (a handheld scanner types the code and
 * Enter into the scan field), see who has not answered, and run the sweeps.
 */
import { useCallback, useRef, useState, type FormEvent } from 'react';
import type { Problem } from '../shared/api.js';
import {
  Alert,
  Button,
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
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Textbox,
} from '../shared/components.js';
import { formatDate } from '../shared/format.js';
import { CameraScanButton } from './camera-scan.js';
import { useDocumentTitle, useSession } from '../shared/layout.js';
import { href, navigate } from '../shared/router.js';
import { problemOf, useApi } from '../shared/useApi.js';
import {
  answerCard,
  createSession,
  decisionLabel,
  getSession,
  listSessions,
  listSweeps,
  lookupCard,
  makeLetters,
  missingText,
  pdfUrl,
  PLANNER_ROLES,
  runSweep,
  SWEEP_LABELS,
  SWEEP_ROLES,
  sweepLetters,
  type CardLookup,
  type LetterResult,
  type SweepRun,
} from './sessions.js';

export function SessionsPage() {
  const documentTitle = useDocumentTitle('Groepsvaccinaties');
  const { user } = useSession();
  const [version, setVersion] = useState(0);
  const sessions = useApi((signal) => listSessions(signal), [version]);
  return (
    <>
      <PageTitle documentTitle={documentTitle}>Groepsvaccinaties</PageTitle>
      <Paragraph purpose="lead">Eerst toestemming, dan vaccineren.</Paragraph>
      {sessions.status === 'error' ? <ProblemAlert problem={sessions.problem} /> : null}
      <Table data-testid="sessions">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Sessie</TableHeaderCell>
            <TableHeaderCell>Datum</TableHeaderCell>
            <TableHeaderCell>Vaccins</TableHeaderCell>
            <TableHeaderCell>Jeugdigen</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {(sessions.data?.items ?? []).map((s) => (
            <TableRow key={s.id}>
              <TableCell>
                <Link href={href(`/sessions/${s.id}`)}>{s.name}</Link>
              </TableCell>
              <TableCell>{s.dates.map(formatDate).join(', ')}</TableCell>
              <TableCell>{s.vaccines.map((v) => `${v.name} (partij ${v.batchNumber})`).join(', ')}</TableCell>
              <TableCell>{s.memberCount}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {PLANNER_ROLES.includes(user.role) ? <PlanForm onPlanned={() => setVersion((v) => v + 1)} /> : null}
      {SWEEP_ROLES.includes(user.role) ? <Sweeps /> : null}
    </>
  );
}

function Field({ id, label, children }: { id: string; label: string; children: React.ReactNode }) {
  return (
    <FormField>
      <FormLabel htmlFor={id}>{label}</FormLabel>
      {children}
    </FormField>
  );
}

function PlanForm({ onPlanned }: { onPlanned: () => void }) {
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const f = new FormData(event.currentTarget);
    const text = (k: string) => String(f.get(k) ?? '').trim();
    setBusy(true);
    setProblem(null);
    try {
      const session = await createSession({
        name: text('name'),
        location: text('location'),
        contact: text('contact'),
        dates: text('dates')
          .split(/[\s,]+/)
          .filter(Boolean),
        vaccines: [{ vaccineType: text('vaccineType'), batchNumber: text('batchNumber') }],
        cohort: {
          birthFrom: text('birthFrom'),
          birthTo: text('birthTo'),
          municipalityCodes: text('municipalities')
            .split(/[\s,]+/)
            .filter(Boolean),
          onlyDue: f.get('onlyDue') === 'on',
        },
      });
      onPlanned();
      navigate(`/sessions/${session.id}`);
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Section title="Sessie plannen">
      <form aria-label="Sessie plannen" onSubmit={(e) => void submit(e)} className="rvp-form">
        <Field id="s-name" label="Naam">
          <Textbox id="s-name" name="name" required />
        </Field>
        <Field id="s-location" label="Locatie">
          <Textbox id="s-location" name="location" required maxLength={50} />
        </Field>
        <Field id="s-contact" label="Bereikbaarheid professional (staat in elke brief)">
          <Textbox id="s-contact" name="contact" required minLength={6} />
        </Field>
        <Field id="s-dates" label="Datum of data (JJJJ-MM-DD, gescheiden door komma's)">
          <Textbox id="s-dates" name="dates" required />
        </Field>
        <Field id="s-vaccine" label="Vaccin">
          <Select id="s-vaccine" name="vaccineType" defaultValue="09">
            <option value="09">HPV</option>
            <option value="28">MenACWY</option>
            <option value="02">DTP</option>
            <option value="04">BMR</option>
          </Select>
        </Field>
        <Field id="s-batch" label="Partijnummer">
          <Textbox id="s-batch" name="batchNumber" required maxLength={50} />
        </Field>
        <Field id="s-from" label="Geboren vanaf (JJJJ-MM-DD)">
          <Textbox id="s-from" name="birthFrom" required />
        </Field>
        <Field id="s-to" label="Geboren tot en met (JJJJ-MM-DD)">
          <Textbox id="s-to" name="birthTo" required />
        </Field>
        <Field id="s-mun" label="Gemeentecodes (leeg = alle, bv. GM0344)">
          <Textbox id="s-mun" name="municipalities" />
        </Field>
        <FormField>
          <label>
            <input type="checkbox" name="onlyDue" defaultChecked /> Alleen jeugdigen voor wie een vaccin
            volgens het schema aan de beurt is
          </label>
        </FormField>
        {problem ? <ProblemAlert problem={problem} /> : null}
        <div className="rvp-button-group rvp-actions">
          <Button purpose="primary" type="submit" busy={busy}>
            Plannen en cohort selecteren
          </Button>
        </div>
      </form>
    </Section>
  );
}

function LetterLink({ result }: { result: LetterResult }) {
  return (
    <Paragraph>
      {result.letters} brief(ven) gemaakt.{' '}
      {result.letters > 0 ? (
        <a href={pdfUrl(result)} download={result.fileName} data-testid="letters-pdf">
          Download PDF
        </a>
      ) : null}
    </Paragraph>
  );
}

export function SessionPage({ id }: { id: string }) {
  const documentTitle = useDocumentTitle('Groepsvaccinatie');
  const { user } = useSession();
  const [version, setVersion] = useState(0);
  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  const session = useApi((signal) => getSession(id, signal), [id, version]);
  const [letters, setLetters] = useState<LetterResult | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const planner = PLANNER_ROLES.includes(user.role);
  async function letter(kind: 'request' | 'reminder' | 'confirmation') {
    setProblem(null);
    try {
      setLetters(await makeLetters(id, kind));
      refresh();
    } catch (error) {
      setProblem(problemOf(error));
    }
  }
  const s = session.data;
  return (
    <>
      <PageTitle documentTitle={documentTitle}>{s?.name ?? 'Groepsvaccinatie'}</PageTitle>
      {session.status === 'error' ? <ProblemAlert problem={session.problem} /> : null}
      {s ? (
        <>
          <Paragraph>
            {s.location} · {s.dates.map(formatDate).join(', ')} ·{' '}
            {s.vaccines.map((v) => `${v.name} (partij ${v.batchNumber})`).join(', ')}
          </Paragraph>
          <Paragraph>
            <Link href={href(`/sessions/${id}/check-in`)}>Naar de check-in en vaccinatie</Link>
          </Paragraph>
          {planner ? (
            <Section title="Brieven">
              <div className="rvp-button-group rvp-actions">
                <Button purpose="primary" onClick={() => void letter('request')}>
                  Toestemmingsbrieven maken
                </Button>
                <Button purpose="secondary" onClick={() => void letter('reminder')}>
                  Herinneringen maken
                </Button>
                <Button purpose="secondary" onClick={() => void letter('confirmation')}>
                  Bevestigingen maken
                </Button>
              </div>
              {letters ? <LetterLink result={letters} /> : null}
              {problem ? <ProblemAlert problem={problem} /> : null}
            </Section>
          ) : null}
          <CardScan onAnswered={refresh} />
          <Section title={`Cohort (${s.members.length})`} testId="members">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Naam</TableHeaderCell>
                  <TableHeaderCell>Geboren</TableHeaderCell>
                  <TableHeaderCell>Toestemming</TableHeaderCell>
                  <TableHeaderCell>Brieven</TableHeaderCell>
                  <TableHeaderCell>Nabellen</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {s.members.map((m) => (
                  <TableRow key={m.clientId} data-testid="member">
                    <TableCell>
                      <Link href={href(`/clients/${m.clientId}`)}>{m.name}</Link>
                    </TableCell>
                    <TableCell>{formatDate(m.birthDate)}</TableCell>
                    <TableCell>
                      {decisionLabel(m.decision)} ({missingText(m.missing)})
                    </TableCell>
                    <TableCell>
                      {m.requests.issued} verstuurd, {m.requests.answered} beantwoord
                    </TableCell>
                    <TableCell>
                      {m.nonResponder
                        ? `Ja: ${
                            m.custodians
                              .map((c) =>
                                c.phone ? `${c.name}, tel. ${c.phone}` : `${c.name} (geen telefoonnummer)`,
                              )
                              .join('; ') || 'jeugdige'
                          }`
                        : '—'}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Section>
        </>
      ) : null}
    </>
  );
}

/** A returned card: scan (or type) its code, then register what is ticked on it. */
function CardScan({ onAnswered }: { onAnswered: () => void }) {
  const [code, setCode] = useState('');
  const [card, setCard] = useState<CardLookup | null>(null);
  const [answers, setAnswers] = useState<Record<string, 'yes' | 'no' | ''>>({});
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  async function scan(event: FormEvent) {
    event.preventDefault();
    await lookup(code);
  }
  async function lookup(text: string) {
    setProblem(null);
    setDone(null);
    try {
      const found = await lookupCard(text);
      setCard(found);
      setAnswers({});
    } catch (error) {
      setCard(null);
      setProblem(problemOf(error));
    }
  }
  async function register(event: FormEvent) {
    event.preventDefault();
    if (!card) return;
    setProblem(null);
    const chosen = card.whoMayConsent
      .filter((w) => answers[w.personId])
      .map((w) => ({
        personId: w.personId,
        agreed: answers[w.personId] === 'yes',
        // One custodian: 03. Two: 04 (the other custodian's consent is required) unless only one is known.
        source: w.sources.includes('01')
          ? '01'
          : w.sources.includes('05')
            ? '05'
            : card.whoMayConsent.filter((x) => x.sources.includes('04')).length > 1
              ? '04'
              : '03',
      }));
    try {
      const result = await answerCard(card.code, {
        date: new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/Amsterdam' }),
        answers: chosen,
      });
      setDone(
        `${result.registered} antwoord(en) geregistreerd voor ${card.client.name}. Besluit: ${decisionLabel(result.decision)}.`,
      );
      setCard(null);
      setCode('');
      onAnswered();
      input.current?.focus();
    } catch (error) {
      setProblem(problemOf(error));
    }
  }
  return (
    <Section title="Antwoordkaart verwerken">
      <form aria-label="Antwoordkaart scannen" onSubmit={(e) => void scan(e)}>
        <Field id="card-code" label="Scan de streepjescode van de antwoordkaart">
          <Textbox
            id="card-code"
            ref={input}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            autoComplete="off"
            inputMode="text"
          />
        </Field>
      </form>
      <CameraScanButton
        label="Scan met camera"
        onCode={(scanned) => {
          setCode(scanned);
          void lookup(scanned);
        }}
      />
      {card ? (
        <form aria-label="Antwoorden registreren" onSubmit={(e) => void register(e)}>
          <Paragraph>
            Kaart voor <strong>{card.client.name}</strong> ({formatDate(card.client.birthDate)}), aan{' '}
            {card.recipient.name}. Nu: {decisionLabel(card.decision)}.
          </Paragraph>
          {card.whoMayConsent.map((w) => (
            <fieldset key={w.personId} className="rvp-fieldset">
              <legend>{w.name}</legend>
              {(['yes', 'no', ''] as const).map((v) => (
                <label key={v} style={{ marginRight: '1.5rem', fontSize: '1.1rem' }}>
                  <input
                    type="radio"
                    name={`answer-${w.personId}`}
                    checked={(answers[w.personId] ?? '') === v}
                    onChange={() => setAnswers((a) => ({ ...a, [w.personId]: v }))}
                  />{' '}
                  {v === 'yes' ? 'Ja' : v === 'no' ? 'Nee' : 'Niet ingevuld'}
                </label>
              ))}
            </fieldset>
          ))}
          <div className="rvp-button-group rvp-actions">
            <Button purpose="primary" type="submit">
              Antwoorden registreren
            </Button>
          </div>
        </form>
      ) : null}
      {done ? <Alert type="ok">{done}</Alert> : null}
      {problem ? <ProblemAlert problem={problem} /> : null}
    </Section>
  );
}

function Sweeps() {
  const [version, setVersion] = useState(0);
  const runs = useApi((signal) => listSweeps(signal), [version]);
  const [current, setCurrent] = useState<SweepRun | null>(null);
  const [letters, setLetters] = useState<LetterResult | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [contact, setContact] = useState('');
  async function run(kind: string) {
    setProblem(null);
    setLetters(null);
    try {
      setCurrent(await runSweep({ kind }));
      setVersion((v) => v + 1);
    } catch (error) {
      setProblem(problemOf(error));
    }
  }
  async function write() {
    if (!current) return;
    try {
      setLetters(await sweepLetters(current.id, contact));
    } catch (error) {
      setProblem(problemOf(error));
    }
  }
  return (
    <Section title="Veegacties">
      <div className="rvp-button-group rvp-actions">
        {Object.entries(SWEEP_LABELS).map(([kind, label]) => (
          <Button key={kind} purpose="secondary" onClick={() => void run(kind)}>
            {label}
          </Button>
        ))}
      </div>
      {problem ? <ProblemAlert problem={problem} /> : null}
      {current ? (
        <div data-testid="sweep-result">
          <Paragraph>
            {SWEEP_LABELS[current.kind]}: {current.members?.length ?? current.memberCount} jeugdige(n).
          </Paragraph>
          <ul>
            {(current.members ?? []).map((m) => (
              <li key={m.clientId}>
                {m.name} ({formatDate(m.birthDate)})
                {m.birthday ? ` — wordt 16 op ${formatDate(m.birthday)}` : ''} — {missingText(m.missing)}
              </li>
            ))}
          </ul>
          <Field id="sweep-contact" label="Bereikbaarheid professional (staat in elke brief)">
            <Textbox id="sweep-contact" value={contact} onChange={(e) => setContact(e.target.value)} />
          </Field>
          <Button purpose="primary" onClick={() => void write()}>
            Brieven maken
          </Button>
          {letters ? <LetterLink result={letters} /> : null}
        </div>
      ) : null}
      <Paragraph>
        Eerdere veegacties:{' '}
        {(runs.data?.items ?? [])
          .map((r) => `${SWEEP_LABELS[r.kind]} ${formatDate(r.referenceDate)} (${r.memberCount})`)
          .join(' · ') || 'geen'}
      </Paragraph>
    </Section>
  );
}

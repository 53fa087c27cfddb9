/**
 * The session day at the door (issue 9; seed 001 §4.8): scan the barcode of a letter (a handheld
 * scanner types the code and Enter) or search by name/BSN; see the consent decision, what is due and
 * any reason not to vaccinate; the desk registers missing consent (a custodian by phone is verified
 * with the last 3 digits of both BSNs); then the session's vaccinations are recorded in one go with
 * the preset batch. Large controls, one column: made for a tablet.
 */
import { useRef, useState, type FormEvent } from 'react';
import type { Problem } from '../shared/api.js';
import {
  Alert,
  Button,
  FormField,
  FormLabel,
  PageTitle,
  Paragraph,
  ProblemAlert,
  Section,
  Select,
  Textbox,
} from '../shared/components.js';
import { formatDate } from '../shared/format.js';
import { useDocumentTitle } from '../shared/layout.js';
import { CameraScanButton } from './camera-scan.js';
import { problemOf, useApi } from '../shared/useApi.js';
import {
  ADVICE_LABELS,
  checkIn,
  decisionLabel,
  DUE_LABELS,
  findForCheckIn,
  getSession,
  missingText,
  NOT_VACCINATED_LABELS,
  phoneConsent,
  registerConsent,
  vaccinate,
  type Member,
} from './sessions.js';

const big = { fontSize: '1.25rem', minHeight: '3rem' };

export function CheckInPage({ id }: { id: string }) {
  const documentTitle = useDocumentTitle('Check-in');
  const session = useApi((signal) => getSession(id, signal), [id]);
  const [scan, setScan] = useState('');
  const [found, setFound] = useState<Member[]>([]);
  const [ready, setReady] = useState<Member[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  async function find(event: FormEvent) {
    event.preventDefault();
    await lookup(scan);
  }
  async function lookup(typed: string) {
    setProblem(null);
    const text = typed.trim();
    // A code starts with T and has 10 characters; anything else is a name or BSN.
    const query = /^(\]C\d)?T[0-9A-Z]{9}$/i.test(text) ? { code: text } : { search: text };
    try {
      setFound((await findForCheckIn(id, query)).items);
    } catch (error) {
      setFound([]);
      setProblem(problemOf(error));
    }
    setScan('');
    input.current?.focus();
  }
  const update = (member: Member) => {
    setFound((list) => list.map((m) => (m.clientId === member.clientId ? member : m)));
    setReady((list) =>
      member.checkedInAt ? [...list.filter((m) => m.clientId !== member.clientId), member] : list,
    );
  };
  async function record() {
    setProblem(null);
    try {
      const outcome = await vaccinate(
        id,
        ready.filter((m) => m.advice === 'vaccinate' || m.advice === 'desk').map((m) => m.clientId),
      );
      const done = outcome.items.filter((i) => i.outcome === 'vaccinated').length;
      setResult(`${done} jeugdige(n) gevaccineerd; ${outcome.items.length - done} overgeslagen.`);
      setReady([]);
    } catch (error) {
      setProblem(problemOf(error));
    }
  }
  const s = session.data;
  return (
    <>
      <PageTitle documentTitle={documentTitle}>Check-in {s ? `— ${s.name}` : ''}</PageTitle>
      {s ? (
        <Paragraph>
          {s.location} · {formatDate(s.day)} ·{' '}
          {s.vaccines.map((v) => `${v.name} partij ${v.batchNumber}`).join(', ')}
        </Paragraph>
      ) : null}
      <form aria-label="Scannen of zoeken" onSubmit={(e) => void find(e)}>
        <FormField>
          <FormLabel htmlFor="scan">Scan de streepjescode, of zoek op naam of BSN</FormLabel>
          <Textbox
            id="scan"
            ref={input}
            autoFocus
            autoComplete="off"
            value={scan}
            onChange={(e) => setScan(e.target.value)}
            style={big}
          />
        </FormField>
      </form>
      <CameraScanButton label="Scan met camera" onCode={(code) => void lookup(code)} />
      {problem ? <ProblemAlert problem={problem} /> : null}
      {found.map((m) => (
        <MemberCard key={m.clientId} sessionId={id} member={m} onChange={update} />
      ))}
      <Section title={`Klaar om te vaccineren (${ready.length})`} testId="ready">
        <ul>
          {ready.map((m) => (
            <li key={m.clientId}>
              {m.name} — {ADVICE_LABELS[m.advice]}
            </li>
          ))}
        </ul>
        <Button purpose="primary" onClick={() => void record()} disabled={ready.length === 0} style={big}>
          Vaccinaties registreren
        </Button>
        {result ? <Alert type="ok">{result}</Alert> : null}
      </Section>
    </>
  );
}

function MemberCard({
  sessionId,
  member,
  onChange,
}: {
  sessionId: string;
  member: Member;
  onChange: (m: Member) => void;
}) {
  const [problem, setProblem] = useState<Problem | null>(null);
  const [reason, setReason] = useState('');
  const reload = async (body: unknown = {}) => onChange(await checkIn(sessionId, member.clientId, body));
  const act = async (work: () => Promise<unknown>) => {
    setProblem(null);
    try {
      await work();
    } catch (error) {
      setProblem(problemOf(error));
    }
  };
  return (
    <Section title={`${member.name} (${member.age} jaar)`} level={3} testId="member-card">
      <Paragraph>
        <strong data-testid="advice">{ADVICE_LABELS[member.advice]}</strong>
      </Paragraph>
      <Paragraph data-testid="decision">
        Toestemming gegevensuitwisseling: {decisionLabel(member.decision)} ({missingText(member.missing)})
      </Paragraph>
      <Paragraph>
        Vandaag:{' '}
        {member.due
          .map(
            (d) =>
              `${d.vaccineType === '09' ? 'HPV' : d.vaccineType}: ${DUE_LABELS[d.status]}${d.earliest && d.status === 'too-early' ? ` (vanaf ${formatDate(d.earliest)})` : ''}`,
          )
          .join(', ')}
        {member.notVaccinated
          ? ` · Niet vaccineren: ${NOT_VACCINATED_LABELS[member.notVaccinated.reason]}`
          : ''}
      </Paragraph>
      <div className="rvp-button-group rvp-actions">
        <Button purpose="primary" onClick={() => void act(() => reload())} style={big}>
          {member.checkedInAt ? 'Ingecheckt ✓' : 'Inchecken'}
        </Button>
        <Select aria-label="Reden niet vaccineren" value={reason} onChange={(e) => setReason(e.target.value)}>
          <option value="">Reden niet vaccineren…</option>
          {Object.entries(NOT_VACCINATED_LABELS).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </Select>
        <Button
          purpose="secondary"
          disabled={!reason}
          onClick={() => void act(() => reload({ notVaccinated: { reason } }))}
        >
          Niet vaccineren
        </Button>
      </div>
      {member.missing.length > 0 ? (
        <Desk sessionId={sessionId} member={member} onDone={() => void act(() => reload())} />
      ) : null}
      {problem ? <ProblemAlert problem={problem} /> : null}
    </Section>
  );
}

/** The consent desk: the youth in person, or a custodian by phone (last 3 digits of both BSNs). */
function Desk({ sessionId, member, onDone }: { sessionId: string; member: Member; onDone: () => void }) {
  const [problem, setProblem] = useState<Problem | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const today = new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/Amsterdam' });
  async function phone(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const f = new FormData(event.currentTarget);
    setProblem(null);
    try {
      const result = await phoneConsent(sessionId, member.clientId, {
        personId: String(f.get('personId')),
        custodianBsnLast3: String(f.get('custodianLast3') ?? ''),
        youthBsnLast3: String(f.get('youthLast3') ?? ''),
        agreed: f.get('agreed') === 'yes',
        source: member.custodians.length > 1 ? '04' : '03',
      });
      setOk(`Geregistreerd. Besluit: ${decisionLabel(result.decision)}.`);
      onDone();
    } catch (error) {
      setProblem(problemOf(error));
    }
  }
  async function own(agreed: boolean) {
    setProblem(null);
    try {
      await registerConsent(member.clientId, {
        agreed,
        sourcePersonId: 'self',
        source: '01',
        date: today,
        method: 'verbal',
      });
      setOk('Toestemming van de jeugdige geregistreerd.');
      onDone();
    } catch (error) {
      setProblem(problemOf(error));
    }
  }
  return (
    <div className="rvp-section--tight" data-testid="desk">
      <Paragraph>
        <strong>Toestemmingsloket</strong>
      </Paragraph>
      {member.missing.includes('youth') ? (
        <div className="rvp-button-group rvp-actions">
          <Button purpose="secondary" onClick={() => void own(true)}>
            Jeugdige zegt ja
          </Button>
          <Button purpose="secondary" onClick={() => void own(false)}>
            Jeugdige zegt nee
          </Button>
        </div>
      ) : null}
      {member.custodians.length > 0 &&
      (member.missing.includes('custodians') || member.missing.includes('other-custodian')) ? (
        <form aria-label="Gezaghebbende aan de telefoon" onSubmit={(e) => void phone(e)}>
          <FormField>
            <FormLabel htmlFor={`p-${member.clientId}`}>Gezaghebbende aan de telefoon</FormLabel>
            <Select id={`p-${member.clientId}`} name="personId">
              {member.custodians.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </Select>
          </FormField>
          <FormField>
            <FormLabel htmlFor={`c3-${member.clientId}`}>Laatste 3 cijfers BSN gezaghebbende</FormLabel>
            <Textbox
              id={`c3-${member.clientId}`}
              name="custodianLast3"
              inputMode="numeric"
              maxLength={3}
              style={big}
            />
          </FormField>
          <FormField>
            <FormLabel htmlFor={`y3-${member.clientId}`}>Laatste 3 cijfers BSN jeugdige</FormLabel>
            <Textbox
              id={`y3-${member.clientId}`}
              name="youthLast3"
              inputMode="numeric"
              maxLength={3}
              style={big}
            />
          </FormField>
          <FormField>
            <label style={{ marginRight: '1.5rem' }}>
              <input type="radio" name="agreed" value="yes" defaultChecked /> Ja, toestemming
            </label>
            <label>
              <input type="radio" name="agreed" value="no" /> Nee
            </label>
          </FormField>
          <Button purpose="primary" type="submit">
            Controleren en registreren
          </Button>
        </form>
      ) : null}
      {ok ? <Alert type="ok">{ok}</Alert> : null}
      {problem ? <ProblemAlert problem={problem} /> : null}
    </div>
  );
}

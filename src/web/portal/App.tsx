/**
 * The portal for parents and youth (SPEC §10): sign in with DigiD, give or withdraw exchange consent
 * for yourself or a child in your custody, see and move your campaign appointment, download a
 * vaccination certificate. Plain Dutch (B1); giving and withdrawing are one button each (AVG: as
 * easy to withdraw as to give).
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { Problem } from '../shared/api.js';
import {
  Alert,
  Button,
  FormField,
  FormLabel,
  Heading,
  Link,
  PageFooter,
  PageHeader,
  Paragraph,
  ProblemAlert,
  Select,
  SkipLink,
} from '../shared/components.js';
import { formatDate } from '../shared/format.js';
import { problemOf } from '../shared/useApi.js';
import {
  cancelAppointment,
  downloadCertificate,
  getConsent,
  getInvitations,
  getPersons,
  getSession,
  getSlots,
  getSubjects,
  moveAppointment,
  setConsent,
  signOut,
  type CertificatePerson,
  type ConsentView,
  type Invitation,
  type PortalSession,
  type Slot,
  type Subject,
} from './api.js';

type State =
  { status: 'loading' } | { status: 'out'; notice?: string } | { status: 'in'; session: PortalSession };

export function App() {
  const [state, setState] = useState<State>({ status: 'loading' });
  const [problem, setProblem] = useState<Problem | null>(null);

  useEffect(() => {
    document.title = 'Mijn vaccinaties — open-rvp';
    const failed = new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('fout');
    getSession().then(
      (session) =>
        setState(
          session
            ? { status: 'in', session }
            : {
                status: 'out',
                ...(failed ? { notice: 'Inloggen is niet gelukt. Probeer het opnieuw.' } : {}),
              },
        ),
      (error: unknown) => {
        setProblem(problemOf(error));
        setState({ status: 'out' });
      },
    );
  }, []);

  const onSignOut = async () => {
    try {
      const logoutUrl = await signOut();
      if (logoutUrl) window.location.assign(logoutUrl);
      else setState({ status: 'out', notice: 'U bent uitgelogd.' });
    } catch (error) {
      setProblem(problemOf(error));
    }
  };

  return (
    <>
      <SkipLink target="main">Direct naar de inhoud</SkipLink>
      <PageHeader className="rvp-page-header">
        <div className="utrecht-page-header__content rvp-container rvp-header">
          <div className="rvp-brand">
            <div className="rvp-brand__text">
              <a className="rvp-brand__name" href="#/">
                open-rvp <span className="rvp-brand__app">Mijn vaccinaties</span>
              </a>
              <span className="rvp-brand__subtitle">Portaal voor ouders en jongeren</span>
            </div>
          </div>
          {state.status === 'in' ? (
            <div className="rvp-user" role="group" aria-label="Ingelogd">
              <span className="rvp-user__name" data-testid="signed-in">
                Ingelogd met DigiD (BSN eindigt op {state.session.bsnEnd})
              </span>
              <Button purpose="secondary" onClick={() => void onSignOut()}>
                Uitloggen
              </Button>
            </div>
          ) : null}
        </div>
      </PageHeader>
      <main id="main" className="rvp-main" tabIndex={-1}>
        <div className="rvp-container">
          {problem ? <ProblemAlert problem={problem} /> : null}
          {state.status === 'loading' ? (
            <Paragraph role="status">Bezig met laden…</Paragraph>
          ) : state.status === 'out' ? (
            <SignIn notice={state.notice} />
          ) : (
            <Home />
          )}
        </div>
      </main>
      <PageFooter className="rvp-page-footer">
        <div className="utrecht-page-footer__content rvp-container">
          <Paragraph>open-rvp — portaal Rijksvaccinatieprogramma. Open source (EUPL-1.2).</Paragraph>
        </div>
      </PageFooter>
    </>
  );
}

function SignIn({ notice }: { notice?: string | undefined }) {
  return (
    <>
      <Heading level={1}>Mijn vaccinaties</Heading>
      {notice ? <Alert type="info">{notice}</Alert> : null}
      <Paragraph>
        Hier geeft u toestemming voor het delen van vaccinatiegegevens met het RIVM, of trekt u die in. U kunt
        ook uw afspraak voor een vaccinatie bekijken of verzetten, en een vaccinatiebewijs downloaden.
      </Paragraph>
      <Paragraph>
        <a className="utrecht-button utrecht-button--primary-action rvp-link-button" href="auth/login">
          Inloggen met DigiD
        </a>
      </Paragraph>
    </>
  );
}

function Home() {
  return (
    <>
      <Heading level={1}>Mijn vaccinaties</Heading>
      <ConsentSection />
      <AppointmentsSection />
      <CertificateSection />
    </>
  );
}

function Consequences() {
  return (
    <details className="rvp-details">
      <summary>Wat betekent toestemming geven of niet?</summary>
      <Paragraph>
        Met toestemming stuurt de jeugdgezondheidszorg (het consultatiebureau of de GGD) uw vaccinaties met
        naam en BSN naar het RIVM. Het RIVM weet dan welke vaccinaties zijn gegeven. Dezelfde toestemming
        geldt ook andersom: de jeugdgezondheidszorg mag dan bij het RIVM opvragen welke vaccinaties er al zijn
        gegeven, ook als dat ergens anders was.
      </Paragraph>
      <Paragraph>Zonder toestemming:</Paragraph>
      <ul>
        <li>stuurt het RIVM soms herinneringen, ook als de vaccinatie al is gegeven;</li>
        <li>
          kunt u bij het RIVM geen volledig vaccinatiebewijs krijgen (wel bij uw GGD of consultatiebureau);
        </li>
        <li>kan de jeugdgezondheidszorg bij het RIVM niet nakijken welke vaccinaties er al zijn gegeven.</li>
      </ul>
      <Paragraph>
        De vaccinatie zelf wordt wel gemeld, maar zonder naam en BSN: het RIVM heeft dat nodig voor zijn
        wettelijke taak. Uitnodigingen voor vaccinaties blijven gewoon komen. U kunt uw keuze altijd
        veranderen. Gegevens die al met naam zijn gedeeld, blijven bij het RIVM, tenzij u het RIVM vraagt ze
        los te koppelen.
      </Paragraph>
    </details>
  );
}

function ConsentSection() {
  const [subjects, setSubjects] = useState<Subject[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  useEffect(() => {
    getSubjects().then(setSubjects, (error: unknown) => setProblem(problemOf(error)));
  }, []);
  return (
    <section aria-labelledby="consent-heading" className="rvp-section">
      <Heading level={2} id="consent-heading">
        Toestemming delen met het RIVM
      </Heading>
      <Consequences />
      {problem ? <ProblemAlert problem={problem} /> : null}
      {subjects === null && !problem ? <Paragraph role="status">Bezig met laden…</Paragraph> : null}
      {subjects?.length === 0 ? (
        <Paragraph>Er is niemand gevonden voor wie u toestemming kunt geven.</Paragraph>
      ) : null}
      {subjects?.map((subject) => (
        <ConsentCard key={`${subject.clientId}-${subject.capacity}`} subject={subject} />
      ))}
    </section>
  );
}

const decisionText = (decision: ConsentView['decision']): string =>
  decision === 'toestemming'
    ? 'De gegevens worden met naam gedeeld met het RIVM.'
    : 'De gegevens worden niet met naam gedeeld met het RIVM.';

function ConsentCard({ subject }: { subject: Subject }) {
  const [view, setView] = useState<ConsentView | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const headingId = `subject-${subject.clientId}-${subject.capacity}`;

  const load = useCallback(() => {
    getConsent(subject.clientId).then(setView, (error: unknown) => setProblem(problemOf(error)));
  }, [subject.clientId]);
  useEffect(load, [load]);

  const choose = async (agreed: boolean) => {
    setBusy(true);
    setProblem(null);
    setSaved(null);
    try {
      setView(await setConsent(subject.clientId, agreed));
      setSaved(agreed ? 'Uw toestemming is opgeslagen.' : 'Uw keuze "geen toestemming" is opgeslagen.');
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };

  const who = subject.capacity === 'self' ? 'Uzelf' : `${subject.name} (${subject.age} jaar)`;
  return (
    <article className="rvp-card" aria-labelledby={headingId} data-testid="consent-card">
      <Heading level={3} id={headingId}>
        {who}
      </Heading>
      <Paragraph>{subject.explanation}</Paragraph>
      {problem ? <ProblemAlert problem={problem} /> : null}
      {saved ? <Alert type="ok">{saved}</Alert> : null}
      {view && subject.mayRegister ? (
        <>
          <Paragraph data-testid="own-choice">
            {view.own
              ? `Uw keuze sinds ${formatDate(view.own.date)}: ${view.own.agreed ? 'ja, toestemming' : 'nee, geen toestemming'}.`
              : 'U heeft nog geen keuze gemaakt. Zonder keuze is er geen toestemming.'}
          </Paragraph>
          {view.others.map((o) => (
            <Paragraph key={o.name}>
              {o.name}: {o.agreed ? 'ja, toestemming' : 'nee, geen toestemming'} (sinds {formatDate(o.date)}).
            </Paragraph>
          ))}
          {view.decision ? (
            <Paragraph data-testid="decision">
              <strong>Uitkomst:</strong> {decisionText(view.decision)}
            </Paragraph>
          ) : null}
          <div className="rvp-actions" role="group" aria-label={`Keuze voor ${who}`}>
            <Button
              purpose="primary"
              busy={busy}
              disabled={busy || view.own?.agreed === true}
              onClick={() => void choose(true)}
            >
              Ja, ik geef toestemming
            </Button>
            <Button
              purpose="secondary"
              busy={busy}
              disabled={busy || view.own?.agreed === false}
              onClick={() => void choose(false)}
            >
              {view.own?.agreed ? 'Toestemming intrekken' : 'Nee, geen toestemming'}
            </Button>
          </div>
        </>
      ) : null}
    </article>
  );
}

function AppointmentsSection() {
  const [invitations, setInvitations] = useState<Invitation[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const load = useCallback(() => {
    getInvitations().then(setInvitations, (error: unknown) => setProblem(problemOf(error)));
  }, []);
  useEffect(load, [load]);
  return (
    <section aria-labelledby="appointments-heading" className="rvp-section">
      <Heading level={2} id="appointments-heading">
        Afspraken
      </Heading>
      {problem ? <ProblemAlert problem={problem} /> : null}
      {invitations?.length === 0 ? <Paragraph>U heeft geen uitnodigingen met een afspraak.</Paragraph> : null}
      {invitations?.map((invitation) => (
        <AppointmentCard key={invitation.invitationId} invitation={invitation} onChanged={load} />
      ))}
    </section>
  );
}

function AppointmentCard({ invitation, onChanged }: { invitation: Invitation; onChanged: () => void }) {
  const [slots, setSlots] = useState<Slot[] | null>(null);
  const [slotId, setSlotId] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const a = invitation.appointment;
  const selectId = `slot-${invitation.invitationId}`;
  const act = async (work: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setProblem(null);
    try {
      await work();
      setNotice(done);
      setSlots(null);
      onChanged();
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <article className="rvp-card" data-testid="appointment-card" aria-label={invitation.campaign.name}>
      <Heading level={3}>
        {invitation.campaign.name}
        {invitation.person.self ? '' : ` — ${invitation.person.name}`}
      </Heading>
      <Paragraph>{invitation.campaign.description}</Paragraph>
      <Paragraph>Uitgenodigd door: {invitation.sentBy}</Paragraph>
      {notice ? <Alert type="ok">{notice}</Alert> : null}
      {problem ? <ProblemAlert problem={problem} /> : null}
      <Paragraph data-testid="appointment">
        {a
          ? `Uw afspraak: ${formatDate(a.date)} om ${a.time} uur, ${a.location}, ${a.address}.`
          : invitation.group === 'plain'
            ? 'U kunt zonder afspraak langskomen, of hieronder een afspraak maken.'
            : 'U heeft geen afspraak meer.'}
      </Paragraph>
      {invitation.attended ? (
        <Paragraph>U bent geweest. Dank u wel.</Paragraph>
      ) : (
        <>
          <div className="rvp-actions">
            <Button
              purpose="secondary"
              disabled={busy}
              onClick={() =>
                getSlots(invitation.invitationId).then(setSlots, (error: unknown) =>
                  setProblem(problemOf(error)),
                )
              }
            >
              {a ? 'Afspraak verzetten' : 'Afspraak maken'}
            </Button>
            {a ? (
              <Button
                purpose="secondary"
                disabled={busy}
                onClick={() =>
                  void act(() => cancelAppointment(invitation.invitationId), 'Uw afspraak is geannuleerd.')
                }
              >
                Afspraak annuleren
              </Button>
            ) : null}
            <Link href={`api/invitations/${invitation.invitationId}/letter`}>Uitnodigingsbrief (PDF)</Link>
          </div>
          {slots ? (
            <form
              onSubmit={(event) => {
                event.preventDefault();
                if (slotId)
                  void act(() => moveAppointment(invitation.invitationId, slotId), 'Uw afspraak is verzet.');
              }}
            >
              <FormField>
                <FormLabel htmlFor={selectId}>Kies een nieuw tijdstip</FormLabel>
                <Select id={selectId} value={slotId} onChange={(event) => setSlotId(event.target.value)}>
                  <option value="">— kies —</option>
                  {slots
                    .filter((s) => s.id !== a?.slotId)
                    .map((s) => (
                      <option key={s.id} value={s.id}>
                        {formatDate(s.date)} {s.time} — {s.location} ({s.capacity - s.booked} vrij)
                      </option>
                    ))}
                </Select>
              </FormField>
              <Button type="submit" purpose="primary" disabled={busy || !slotId}>
                Bevestigen
              </Button>
            </form>
          ) : null}
        </>
      )}
    </article>
  );
}

function CertificateSection() {
  const [persons, setPersons] = useState<CertificatePerson[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [message, setMessage] = useState<ReactNode>(null);
  useEffect(() => {
    getPersons().then(setPersons, (error: unknown) => setProblem(problemOf(error)));
  }, []);
  const download = async (person: CertificatePerson) => {
    setProblem(null);
    setMessage(null);
    try {
      const blob = await downloadCertificate(person.personId);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = 'vaccinatiebewijs.pdf';
      link.click();
      URL.revokeObjectURL(url);
      setMessage(`Het vaccinatiebewijs van ${person.name} is gedownload.`);
    } catch (error) {
      setProblem(problemOf(error));
    }
  };
  return (
    <section aria-labelledby="certificate-heading" className="rvp-section">
      <Heading level={2} id="certificate-heading">
        Vaccinatiebewijs
      </Heading>
      <Paragraph>
        Tot 12 jaar vraagt een ouder of voogd het bewijs aan. Van 12 tot 16 jaar vraagt de jongere het zelf
        aan. Vanaf 16 jaar alleen de jongere zelf. Het bewijs toont alleen de vaccinaties die met naam bij het
        RIVM bekend zijn.
      </Paragraph>
      {problem ? <ProblemAlert problem={problem} /> : null}
      {message ? <Alert type="ok">{message}</Alert> : null}
      <ul>
        {persons?.map((p) => (
          <li key={p.personId}>
            <Button purpose="secondary" onClick={() => void download(p)}>
              Vaccinatiebewijs van {p.self ? 'mijzelf' : `${p.name} (${p.age} jaar)`}
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}

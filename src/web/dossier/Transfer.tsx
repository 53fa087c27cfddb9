/**
 * Dossier transfer (R-V8): on the client page, send the dossier to the organisation the youth moved
 * to; on the transfers page, take over an incoming dossier. The registration form (R-V6) for youth
 * without a BSN is on the client page too. All decisions are the server's.
 */
import { useState } from 'react';
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
  TableCaption,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '../shared/components.js';
import type { Problem } from '../shared/api.js';
import { formatDate, formatName } from '../shared/format.js';
import { useDocumentTitle, useSession } from '../shared/layout.js';
import { href } from '../shared/router.js';
import { problemOf, useApi } from '../shared/useApi.js';
import type { ClientDetail } from './api.js';
import { listClients } from './api.js';
import {
  acceptTransfer,
  formOutcomeText,
  linkNotification,
  listNotifications,
  listOrganisations,
  listTransfers,
  offerTransfer,
  submitRegistrationForm,
  TRANSFER_ROLES,
  withdrawTransfer,
  type Notification,
} from './transfer.js';
import { listActivities } from './vaccinations.js';

/** Client page section: transfer this dossier to another organisation. */
export function TransferSection({ client }: { client: ClientDetail }) {
  const { user } = useSession();
  const organisations = useApi((signal) => listOrganisations(signal), []);
  const [toUra, setToUra] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!TRANSFER_ROLES.includes(user.role)) return null;
  const others = (organisations.data?.items ?? []).filter((o) => o.ura !== user.organisation.ura);
  const closed = client.dossierStatus === '02';
  const send = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const transfer = await offerTransfer(client.id, toUra || (others[0]?.ura ?? ''));
      setDone(transfer.toName ?? transfer.toUra);
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title="Dossieroverdracht" testId="transfer-section">
      {done ? (
        <Alert type="ok">
          Het dossier is overgedragen aan {done}, met vaccinaties en toestemming. Dit dossier is nu
          niet-actief.
        </Alert>
      ) : closed ? (
        <Paragraph>Dit dossier is niet-actief (gesloten of overgedragen).</Paragraph>
      ) : (
        <>
          <Paragraph>
            Verhuist de jeugdige naar het werkgebied van een andere organisatie? Draag het dossier over:
            vaccinaties en toestemming gaan mee met hun herkomst; de nieuwe organisatie stuurt uw vaccinaties
            nooit opnieuw naar het register.
          </Paragraph>
          {problem ? <ProblemAlert problem={problem} /> : null}
          <FormField>
            <FormLabel htmlFor="transfer-to">Nieuwe organisatie</FormLabel>
            <Select id="transfer-to" value={toUra} onChange={(e) => setToUra(e.target.value)}>
              {others.map((o) => (
                <option key={o.ura} value={o.ura}>
                  {o.name}
                </option>
              ))}
            </Select>
          </FormField>
          <Button type="button" purpose="secondary" busy={busy} onClick={() => void send()}>
            Dossier overdragen
          </Button>
        </>
      )}
    </Section>
  );
}

/** Client page section for a youth without BSN: report a vaccination with the registration form (R-V6). */
export function RegistrationFormSection({ client }: { client: ClientDetail }) {
  const { user } = useSession();
  const activities = useApi((signal) => listActivities(client.id, signal), [client.id]);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<Problem | null>(null);
  if (client.bsn || user.role !== 'jgz-professional') return null;
  const own = (activities.data?.items ?? []).filter((a) => a.originUra === user.organisation.ura);
  const submit = async (activityPk: string, personalised: boolean) => {
    setProblem(null);
    try {
      const answer = await submitRegistrationForm(client.id, { activityPk, personalised });
      setAnswers((a) => ({ ...a, [activityPk]: formOutcomeText(answer.outcome) }));
    } catch (error) {
      setProblem(problemOf(error));
    }
  };
  return (
    <Section title="Registratieformulier (geen BSN)" testId="registration-form-section">
      <Paragraph>
        Zonder BSN gaat een vaccinatie niet via het berichtenverkeer, maar met het registratieformulier naar
        het register: met persoonsgegevens als er toestemming is, anders zonder.
      </Paragraph>
      {problem ? <ProblemAlert problem={problem} /> : null}
      {own.length === 0 ? (
        <Paragraph className="rvp-muted">Er zijn nog geen eigen vaccinaties.</Paragraph>
      ) : null}
      {own.map((a) => (
        <div key={a.id} className="rvp-field-row">
          <Paragraph>
            Contactmoment {formatDate(a.activityDate)} ({a.vaccinations.length} vaccinatie(s))
          </Paragraph>
          {answers[a.id] ? (
            <Alert type="info">{answers[a.id]}</Alert>
          ) : (
            <>
              <Button type="button" purpose="secondary" onClick={() => void submit(a.id, true)}>
                Met persoonsgegevens versturen
              </Button>
              <Button type="button" purpose="subtle" onClick={() => void submit(a.id, false)}>
                Zonder persoonsgegevens versturen
              </Button>
            </>
          )}
        </div>
      ))}
    </Section>
  );
}

/** The transfers page: incoming dossiers to take over, and what this organisation sent. */
export function TransferPage() {
  const documentTitle = useDocumentTitle('Dossieroverdrachten');
  const [version, setVersion] = useState(0);
  const transfers = useApi((signal) => listTransfers(signal), [version]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const act = async (action: () => Promise<unknown>) => {
    setProblem(null);
    try {
      await action();
      setVersion((v) => v + 1);
    } catch (error) {
      setProblem(problemOf(error));
    }
  };
  return (
    <>
      <PageTitle documentTitle={documentTitle}>Dossieroverdrachten</PageTitle>
      {problem ? <ProblemAlert problem={problem} /> : null}
      {transfers.status === 'error' ? <ProblemAlert problem={transfers.problem} /> : null}
      {transfers.data && transfers.data.items.length === 0 ? (
        <Paragraph>Er zijn geen overdrachten.</Paragraph>
      ) : null}
      {transfers.data && transfers.data.items.length > 0 ? (
        <Table data-testid="transfers">
          <TableCaption>Inkomende en uitgaande dossiers</TableCaption>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Jeugdige</TableHeaderCell>
              <TableHeaderCell>Van / naar</TableHeaderCell>
              <TableHeaderCell>Datum</TableHeaderCell>
              <TableHeaderCell>Inhoud</TableHeaderCell>
              <TableHeaderCell>Status</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {transfers.data.items.map((t) => (
              <TableRow key={t.id}>
                <TableCell>
                  {formatName(t.client)} ({formatDate(t.client.birthDate)})
                </TableCell>
                <TableCell>
                  {t.direction === 'incoming'
                    ? `van ${t.fromName ?? t.fromUra}`
                    : `naar ${t.toName ?? t.toUra}`}
                </TableCell>
                <TableCell>{formatDate(t.transferDate)}</TableCell>
                <TableCell>
                  {t.counts.vaccinations} vaccinatie(s), {t.counts.consentRecords} toestemmingsregistratie(s)
                </TableCell>
                <TableCell>
                  {t.state === 'withdrawn' ? (
                    'Ingetrokken'
                  ) : t.state === 'accepted' ? (
                    t.toClientId ? (
                      <Link href={href(`/clients/${encodeURIComponent(t.toClientId)}`)}>
                        Overgenomen — dossier openen
                      </Link>
                    ) : (
                      'Overgenomen'
                    )
                  ) : t.direction === 'incoming' ? (
                    <Button
                      type="button"
                      purpose="primary"
                      onClick={() => void act(() => acceptTransfer(t.id))}
                    >
                      Dossier overnemen
                    </Button>
                  ) : (
                    // Before acceptance the sender may take it back; its dossier becomes active again.
                    <Button
                      type="button"
                      purpose="secondary"
                      onClick={() => void act(() => withdrawTransfer(t.id))}
                    >
                      Overdracht intrekken
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : null}
      <NotificationsSection />
    </>
  );
}

/**
 * Vaccinations other organisations gave to youth in this organisation's care (R-V9). One that found
 * no active dossier by BSN waits here until a professional links it to the right dossier.
 */
function NotificationsSection() {
  const { user } = useSession();
  const [version, setVersion] = useState(0);
  const notifications = useApi((signal) => listNotifications(signal), [version]);
  const incoming = (notifications.data?.items ?? []).filter((n) => n.direction === 'incoming');
  return (
    <Section title="Vaccinaties door andere organisaties" testId="notifications">
      {notifications.status === 'error' ? <ProblemAlert problem={notifications.problem} /> : null}
      {incoming.length === 0 ? (
        <Paragraph className="rvp-muted">Er zijn geen meldingen van andere organisaties.</Paragraph>
      ) : (
        <Table>
          <TableCaption>Meldingen van vaccinaties elders</TableCaption>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Jeugdige</TableHeaderCell>
              <TableHeaderCell>Datum</TableHeaderCell>
              <TableHeaderCell>Status</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {incoming.map((n) => (
              <TableRow key={n.id}>
                <TableCell>
                  {n.youth.familyName} ({formatDate(n.youth.birthDate)}){n.youth.bsn ? '' : ', zonder BSN'}
                </TableCell>
                <TableCell>{formatDate(n.activityDate)}</TableCell>
                <TableCell>
                  {n.state === 'delivered' && n.toClientId ? (
                    <Link href={href(`/clients/${encodeURIComponent(n.toClientId)}`)}>
                      {n.linkedBy ? 'Gekoppeld' : 'Verwerkt'} — dossier openen
                    </Link>
                  ) : user.role === 'jgz-professional' ? (
                    <LinkNotification notification={n} onLinked={() => setVersion((v) => v + 1)} />
                  ) : (
                    'Nog niet gekoppeld'
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Section>
  );
}

/** Pick the dossier an unmatched notification belongs to: same family name and birth date. */
function LinkNotification({ notification, onLinked }: { notification: Notification; onLinked: () => void }) {
  const candidates = useApi(
    (signal) => listClients({ search: notification.youth.familyName, limit: 50, offset: 0 }, signal),
    [notification.id],
  );
  const matches = (candidates.data?.items ?? []).filter((c) => c.birthDate === notification.youth.birthDate);
  const [clientId, setClientId] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const link = async () => {
    setProblem(null);
    try {
      await linkNotification(notification.id, clientId || (matches[0]?.id ?? ''));
      onLinked();
    } catch (error) {
      setProblem(problemOf(error));
    }
  };
  const fieldId = `link-${notification.id}`;
  if (candidates.data && matches.length === 0) {
    return <Paragraph>Geen dossier met deze naam en geboortedatum; maak eerst een dossier aan.</Paragraph>;
  }
  return (
    <>
      {problem ? <ProblemAlert problem={problem} /> : null}
      <FormField>
        <FormLabel htmlFor={fieldId}>Dossier</FormLabel>
        <Select id={fieldId} value={clientId} onChange={(e) => setClientId(e.target.value)}>
          {matches.map((c) => (
            <option key={c.id} value={c.id}>
              {formatName(c)} ({formatDate(c.birthDate)}){c.bsn ? ` BSN ${c.bsn}` : ''}
            </option>
          ))}
        </Select>
      </FormField>
      <Button type="button" purpose="secondary" onClick={() => void link()}>
        Koppelen aan dossier
      </Button>
    </>
  );
}

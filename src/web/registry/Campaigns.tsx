/**
 * "Campagnes": proactive invitations (SPEC §7, seed 000). Staff create a campaign (selection,
 * locations with capacity per time slot, comparison share), start the invitation (appointments are
 * assigned), send reminders, and record attendance on the location screen by scanning the letter's
 * barcode (a handheld scanner types it and presses Enter) or by searching. docs/campaigns.md.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { Problem } from '../shared/api.js';
import {
  Alert,
  Button,
  FormField,
  FormFieldDescription,
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
  Textarea,
  Textbox,
} from '../shared/components.js';
import { formatBsn, formatDate, formatNumber } from '../shared/format.js';
import { useDocumentTitle, useSession } from '../shared/layout.js';
import { problemOf, useApi } from '../shared/useApi.js';
import {
  CAMPAIGN_MANAGE_ROLES,
  consecutiveDates,
  createCampaign,
  findInvitations,
  getCampaign,
  getInviter,
  getUptake,
  groupLabel,
  isInvitationBarcode,
  listCampaigns,
  locationsOf,
  occupancy,
  percentage,
  recordAttendance,
  sendReminders,
  setInviter,
  startInvitation,
  todayInNl,
  type InvitationRow,
  type NewLocation,
} from './campaigns.js';

export function Campaigns() {
  const documentTitle = useDocumentTitle('Campagnes');
  const { user } = useSession();
  const manage = CAMPAIGN_MANAGE_ROLES.includes(user.role);
  const [version, setVersion] = useState(0);
  const changed = () => setVersion((v) => v + 1);
  const state = useApi((signal) => listCampaigns(signal), [version]);
  return (
    <>
      <PageTitle documentTitle={documentTitle}>Campagnes</PageTitle>
      <Paragraph purpose="lead">
        Uitnodigingen met een afspraak erin (datum, tijd, locatie), de bezetting per locatie en de opkomst
        tegenover een vergelijkingsgroep met een gewone uitnodiging.
      </Paragraph>
      {manage ? <InviterSection onChange={changed} /> : null}
      {manage ? <NewCampaignSection onCreated={changed} /> : null}
      {state.status === 'error' ? <ProblemAlert problem={state.problem} /> : null}
      {state.status === 'loading' && !state.data ? (
        <Paragraph role="status">Bezig met laden…</Paragraph>
      ) : null}
      {state.data && state.data.length === 0 ? <Paragraph>Er zijn nog geen campagnes.</Paragraph> : null}
      {state.data
        ? state.data.map((c) => <CampaignBlock key={c.id} id={c.id} manage={manage} version={version} />)
        : null}
    </>
  );
}

/** "Regie uitnodigen bij 1 organisatie": shown, and set when it is not yet. */
function InviterSection({ onChange }: { onChange: () => void }) {
  const [version, setVersion] = useState(0);
  const inviter = useApi((signal) => getInviter(signal), [version]);
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const id = useId();
  if (inviter.status === 'error') return <ProblemAlert problem={inviter.problem} />;
  if (inviter.status !== 'ok') return null;
  if (inviter.data) {
    return (
      <Paragraph>
        Organisatie met de regie over het uitnodigen: <strong>{inviter.data.organisationName}</strong>.
      </Paragraph>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    try {
      await setInviter(name.trim());
      setVersion((v) => v + 1);
      onChange();
    } catch (error) {
      setProblem(problemOf(error));
    }
  };
  return (
    <form className="rvp-form" aria-label="Organisatie met de regie" onSubmit={(e) => void submit(e)}>
      <Alert type="warning">Stel eerst in welke organisatie de regie over het uitnodigen heeft.</Alert>
      {problem ? <ProblemAlert problem={problem} /> : null}
      <FormField>
        <FormLabel htmlFor={id}>Organisatie met de regie</FormLabel>
        <Textbox id={id} value={name} onChange={(e) => setName(e.target.value)} />
      </FormField>
      <Button type="submit" purpose="secondary">
        Opslaan
      </Button>
    </form>
  );
}

interface LocationForm {
  name: string;
  address: string;
  municipalityCode: string;
  firstDate: string;
  days: string;
  from: string;
  until: string;
  slotMinutes: string;
  capacityPerSlot: string;
}

const emptyLocation = (): LocationForm => ({
  name: '',
  address: '',
  municipalityCode: '',
  firstDate: '',
  days: '1',
  from: '09:00',
  until: '12:00',
  slotMinutes: '15',
  capacityPerSlot: '4',
});

/** Turns a typed number into a number, or NaN so the server names the field and rule. */
const numberOf = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text));

function NewCampaignSection({ onCreated }: { onCreated: () => void }) {
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({
    name: '',
    description: '',
    referenceDate: todayInNl(),
    minAge: '',
    maxAge: '',
    municipalityCodes: '',
    comparisonPercent: '0',
    reminderDaysBefore: '3',
  });
  const [locations, setLocations] = useState<LocationForm[]>([emptyLocation()]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const base = useId();
  const field = (name: string) => `${base}-${name}`;
  const setLocation = (index: number, patch: Partial<LocationForm>) =>
    setLocations((all) => all.map((l, i) => (i === index ? { ...l, ...patch } : l)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    setCreated(null);
    try {
      const codes = form.municipalityCodes
        .split(/[\s,]+/)
        .map((c) => c.trim().toUpperCase())
        .filter(Boolean);
      const campaign = await createCampaign({
        name: form.name,
        description: form.description,
        referenceDate: form.referenceDate,
        minAge: numberOf(form.minAge),
        ...(form.maxAge.trim() === '' ? {} : { maxAge: numberOf(form.maxAge) }),
        ...(codes.length > 0 ? { municipalityCodes: codes } : {}),
        comparisonShare: numberOf(form.comparisonPercent) / 100,
        reminderDaysBefore: numberOf(form.reminderDaysBefore),
        locations: locations.map((l): NewLocation => ({
          name: l.name,
          address: l.address,
          ...(l.municipalityCode.trim() === ''
            ? {}
            : { municipalityCode: l.municipalityCode.trim().toUpperCase() }),
          dates: consecutiveDates(l.firstDate, numberOf(l.days)),
          from: l.from,
          until: l.until,
          slotMinutes: numberOf(l.slotMinutes),
          capacityPerSlot: numberOf(l.capacityPerSlot),
        })),
      });
      setCreated(campaign.name);
      setOpen(false);
      onCreated();
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title="Nieuwe campagne" testId="new-campaign">
      {created ? <Alert type="ok">Campagne ‘{created}’ is aangemaakt.</Alert> : null}
      {!open ? (
        <Button type="button" purpose="secondary" onClick={() => setOpen(true)}>
          Campagne aanmaken
        </Button>
      ) : (
        <form className="rvp-form" aria-label="Nieuwe campagne" onSubmit={(e) => void submit(e)}>
          {problem ? <ProblemAlert problem={problem} /> : null}
          <FormField>
            <FormLabel htmlFor={field('name')}>Naam</FormLabel>
            <Textbox
              id={field('name')}
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
            />
          </FormField>
          <FormField>
            <FormLabel htmlFor={field('description')}>Omschrijving (staat in de brief)</FormLabel>
            <Textarea
              id={field('description')}
              rows={2}
              value={form.description}
              onChange={(e) => setForm({ ...form, description: e.target.value })}
            />
          </FormField>
          <fieldset className="rvp-fieldset">
            <legend>Selectie</legend>
            <div className="rvp-toolbar">
              <FormField>
                <FormLabel htmlFor={field('reference')}>Peildatum leeftijd</FormLabel>
                <Textbox
                  id={field('reference')}
                  type="date"
                  value={form.referenceDate}
                  onChange={(e) => setForm({ ...form, referenceDate: e.target.value })}
                />
              </FormField>
              <FormField>
                <FormLabel htmlFor={field('min')}>Leeftijd vanaf (jaar)</FormLabel>
                <Textbox
                  id={field('min')}
                  inputMode="numeric"
                  value={form.minAge}
                  onChange={(e) => setForm({ ...form, minAge: e.target.value })}
                />
              </FormField>
              <FormField>
                <FormLabel htmlFor={field('max')}>Leeftijd tot en met (leeg: geen grens)</FormLabel>
                <Textbox
                  id={field('max')}
                  inputMode="numeric"
                  value={form.maxAge}
                  onChange={(e) => setForm({ ...form, maxAge: e.target.value })}
                />
              </FormField>
            </div>
            <FormField>
              <FormLabel htmlFor={field('codes')}>Gemeenten (leeg: heel Nederland)</FormLabel>
              <FormFieldDescription id={field('codes-help')}>
                CBS-codes gescheiden door komma’s, bijvoorbeeld GM0014, GM0344.
              </FormFieldDescription>
              <Textbox
                id={field('codes')}
                aria-describedby={field('codes-help')}
                value={form.municipalityCodes}
                onChange={(e) => setForm({ ...form, municipalityCodes: e.target.value })}
              />
            </FormField>
            <div className="rvp-toolbar">
              <FormField>
                <FormLabel htmlFor={field('share')}>Vergelijkingsgroep (% gewone uitnodiging)</FormLabel>
                <Textbox
                  id={field('share')}
                  inputMode="numeric"
                  value={form.comparisonPercent}
                  onChange={(e) => setForm({ ...form, comparisonPercent: e.target.value })}
                />
              </FormField>
              <FormField>
                <FormLabel htmlFor={field('remind')}>Herinnering (dagen vooraf)</FormLabel>
                <Textbox
                  id={field('remind')}
                  inputMode="numeric"
                  value={form.reminderDaysBefore}
                  onChange={(e) => setForm({ ...form, reminderDaysBefore: e.target.value })}
                />
              </FormField>
            </div>
          </fieldset>
          {locations.map((l, index) => (
            <fieldset className="rvp-fieldset" key={index}>
              <legend>Locatie {index + 1}</legend>
              <div className="rvp-toolbar">
                <FormField>
                  <FormLabel htmlFor={field(`l${index}-name`)}>Naam locatie</FormLabel>
                  <Textbox
                    id={field(`l${index}-name`)}
                    value={l.name}
                    onChange={(e) => setLocation(index, { name: e.target.value })}
                  />
                </FormField>
                <FormField>
                  <FormLabel htmlFor={field(`l${index}-address`)}>Adres</FormLabel>
                  <Textbox
                    id={field(`l${index}-address`)}
                    value={l.address}
                    onChange={(e) => setLocation(index, { address: e.target.value })}
                  />
                </FormField>
                <FormField>
                  <FormLabel htmlFor={field(`l${index}-gm`)}>Gemeentecode</FormLabel>
                  <Textbox
                    id={field(`l${index}-gm`)}
                    value={l.municipalityCode}
                    onChange={(e) => setLocation(index, { municipalityCode: e.target.value })}
                  />
                </FormField>
              </div>
              <div className="rvp-toolbar">
                <FormField>
                  <FormLabel htmlFor={field(`l${index}-date`)}>Eerste dag</FormLabel>
                  <Textbox
                    id={field(`l${index}-date`)}
                    type="date"
                    value={l.firstDate}
                    onChange={(e) => setLocation(index, { firstDate: e.target.value })}
                  />
                </FormField>
                <FormField>
                  <FormLabel htmlFor={field(`l${index}-days`)}>Aantal dagen</FormLabel>
                  <Textbox
                    id={field(`l${index}-days`)}
                    inputMode="numeric"
                    value={l.days}
                    onChange={(e) => setLocation(index, { days: e.target.value })}
                  />
                </FormField>
                <FormField>
                  <FormLabel htmlFor={field(`l${index}-from`)}>Open van</FormLabel>
                  <Textbox
                    id={field(`l${index}-from`)}
                    type="time"
                    value={l.from}
                    onChange={(e) => setLocation(index, { from: e.target.value })}
                  />
                </FormField>
                <FormField>
                  <FormLabel htmlFor={field(`l${index}-until`)}>Open tot</FormLabel>
                  <Textbox
                    id={field(`l${index}-until`)}
                    type="time"
                    value={l.until}
                    onChange={(e) => setLocation(index, { until: e.target.value })}
                  />
                </FormField>
                <FormField>
                  <FormLabel htmlFor={field(`l${index}-slot`)}>Tijdvak (minuten)</FormLabel>
                  <Textbox
                    id={field(`l${index}-slot`)}
                    inputMode="numeric"
                    value={l.slotMinutes}
                    onChange={(e) => setLocation(index, { slotMinutes: e.target.value })}
                  />
                </FormField>
                <FormField>
                  <FormLabel htmlFor={field(`l${index}-cap`)}>Capaciteit per tijdvak</FormLabel>
                  <Textbox
                    id={field(`l${index}-cap`)}
                    inputMode="numeric"
                    value={l.capacityPerSlot}
                    onChange={(e) => setLocation(index, { capacityPerSlot: e.target.value })}
                  />
                </FormField>
              </div>
              {locations.length > 1 ? (
                <Button
                  type="button"
                  purpose="subtle"
                  onClick={() => setLocations((all) => all.filter((_, i) => i !== index))}
                >
                  Locatie {index + 1} verwijderen
                </Button>
              ) : null}
            </fieldset>
          ))}
          <div className="rvp-toolbar">
            <Button
              type="button"
              purpose="secondary"
              onClick={() => setLocations((all) => [...all, emptyLocation()])}
            >
              Locatie toevoegen
            </Button>
            <Button type="submit" purpose="primary" busy={busy}>
              Campagne opslaan
            </Button>
            <Button type="button" purpose="subtle" onClick={() => setOpen(false)}>
              Annuleren
            </Button>
          </div>
        </form>
      )}
    </Section>
  );
}

function CampaignBlock({ id, manage, version }: { id: string; manage: boolean; version: number }) {
  const [local, setLocal] = useState(0);
  const campaign = useApi((signal) => getCampaign(id, signal), [id, version, local]);
  const [message, setMessage] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  if (campaign.status === 'error') return <ProblemAlert problem={campaign.problem} />;
  if (!campaign.data) return null;
  const c = campaign.data;
  const act = async (run: () => Promise<string>) => {
    setBusy(true);
    setProblem(null);
    setMessage(null);
    try {
      setMessage(await run());
      setLocal((v) => v + 1);
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title={c.name} testId="campaign">
      <Paragraph>
        {c.description} Uitgenodigd door {c.invitingOrganisation}; {formatNumber(c.invitations)} uitnodigingen
        {c.selectedAt ? '' : ' (nog niet verstuurd)'}.
      </Paragraph>
      {message ? <Alert type="ok">{message}</Alert> : null}
      {problem ? <ProblemAlert problem={problem} /> : null}
      {manage ? (
        <div className="rvp-toolbar">
          {c.selectedAt ? null : (
            <Button
              type="button"
              purpose="primary"
              busy={busy}
              onClick={() =>
                void act(async () => {
                  const r = await startInvitation(id);
                  return `${formatNumber(r.eligible)} personen uitgenodigd: ${formatNumber(r.appointments)} met een afspraak, ${formatNumber(r.plain)} met een gewone uitnodiging${r.withoutRoom > 0 ? ` (${formatNumber(r.withoutRoom)} omdat alle tijdvakken vol waren)` : ''}.`;
                })
              }
            >
              Uitnodigingen versturen
            </Button>
          )}
          {c.selectedAt ? (
            <Button
              type="button"
              purpose="secondary"
              busy={busy}
              onClick={() =>
                void act(async () => {
                  const r = await sendReminders(id);
                  return `${formatNumber(r.reminders)} herinneringen verstuurd.`;
                })
              }
            >
              Herinneringen versturen
            </Button>
          ) : null}
          {c.selectedAt ? (
            <Link href={`#/campaigns/${id}/location`}>Locatiescherm: opkomst registreren</Link>
          ) : null}
        </div>
      ) : null}
      <Table>
        <TableCaption>Bezetting per locatie en dag</TableCaption>
        <TableHeader>
          <TableRow>
            <TableHeaderCell scope="col">Locatie</TableHeaderCell>
            <TableHeaderCell scope="col">Datum</TableHeaderCell>
            <TableHeaderCell scope="col" numeric>
              Afspraken
            </TableHeaderCell>
            <TableHeaderCell scope="col" numeric>
              Capaciteit
            </TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {occupancy(c.slots).map((row) => (
            <TableRow key={`${row.location}-${row.date}`}>
              <TableCell>{row.location}</TableCell>
              <TableCell>{formatDate(row.date)}</TableCell>
              <TableCell numeric>{formatNumber(row.booked)}</TableCell>
              <TableCell numeric>{formatNumber(row.capacity)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <UptakeTable id={id} version={`${version}-${local}`} />
    </Section>
  );
}

function UptakeTable({ id, version }: { id: string; version: string | number }) {
  const uptake = useApi((signal) => getUptake(id, signal), [id, version]);
  if (uptake.status === 'error') return <ProblemAlert problem={uptake.problem} />;
  if (!uptake.data) return null;
  const u = uptake.data;
  return (
    <>
      <Table data-testid="uptake">
        <TableCaption>Opkomst (geweest / uitgenodigd)</TableCaption>
        <TableHeader>
          <TableRow>
            <TableHeaderCell scope="col">Groep</TableHeaderCell>
            <TableHeaderCell scope="col" numeric>
              Uitgenodigd
            </TableHeaderCell>
            <TableHeaderCell scope="col" numeric>
              Geweest
            </TableHeaderCell>
            <TableHeaderCell scope="col" numeric>
              Opkomst
            </TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {u.groups.map((g) => (
            <TableRow key={g.group}>
              <TableHeaderCell scope="row">{groupLabel(g.group)}</TableHeaderCell>
              <TableCell numeric>{formatNumber(g.invited)}</TableCell>
              <TableCell numeric>{formatNumber(g.attended)}</TableCell>
              <TableCell numeric>{percentage(g.uptake)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Paragraph>
        Afspraken: {formatNumber(u.appointments.booked)} staan, {formatNumber(u.appointments.moved)} verzet,{' '}
        {formatNumber(u.appointments.cancelled)} geannuleerd; {formatNumber(u.reminders)} herinneringen.
      </Paragraph>
    </>
  );
}

/**
 * The location screen: the cursor stays in one field. A handheld scanner types the barcode of the
 * letter (the invitation id) and Enter, which records attendance at once; a BSN or name searches and
 * offers a button per person (the comparison group has no appointment and walks in).
 */
export function CampaignLocation({ id }: { id: string }) {
  const documentTitle = useDocumentTitle('Locatiescherm campagne');
  const campaign = useApi((signal) => getCampaign(id, signal), [id]);
  const [locationId, setLocationId] = useState('');
  const [date, setDate] = useState(todayInNl());
  const [text, setText] = useState('');
  const [results, setResults] = useState<InvitationRow[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [version, setVersion] = useState(0);
  const [busy, setBusy] = useState(false);
  const scanRef = useRef<HTMLInputElement>(null);
  const ids = { location: useId(), date: useId(), scan: useId(), help: useId() };
  const locations = campaign.data ? locationsOf(campaign.data.slots) : [];
  const chosen = locationId || locations[0]?.id || '';

  useEffect(() => scanRef.current?.focus(), [campaign.status]);

  const record = async (body: { invitationId: string }, label: string) => {
    setProblem(null);
    setMessage(null);
    try {
      await recordAttendance(id, { ...body, locationId: chosen, date });
      setMessage(`Opkomst geregistreerd: ${label}.`);
      setResults(null);
      setText('');
      setVersion((v) => v + 1);
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      scanRef.current?.focus();
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const term = text.trim();
    if (term === '') return;
    setBusy(true);
    setProblem(null);
    setMessage(null);
    try {
      const found = await findInvitations(id, term);
      if (isInvitationBarcode(term) && found.length === 1 && !found[0]!.attended) {
        await record({ invitationId: found[0]!.invitationId }, found[0]!.name);
      } else {
        setResults(found);
      }
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle documentTitle={documentTitle}>
        Locatiescherm{campaign.data ? `: ${campaign.data.name}` : ''}
      </PageTitle>
      <Paragraph>
        <Link href="#/campaigns">Terug naar de campagnes</Link>
      </Paragraph>
      {campaign.status === 'error' ? <ProblemAlert problem={campaign.problem} /> : null}
      {campaign.data ? (
        <>
          <div className="rvp-toolbar">
            <FormField>
              <FormLabel htmlFor={ids.location}>Locatie</FormLabel>
              <Select id={ids.location} value={chosen} onChange={(e) => setLocationId(e.target.value)}>
                {locations.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name} — {l.address}
                  </option>
                ))}
              </Select>
            </FormField>
            <FormField>
              <FormLabel htmlFor={ids.date}>Datum</FormLabel>
              <Textbox id={ids.date} type="date" value={date} onChange={(e) => setDate(e.target.value)} />
            </FormField>
          </div>
          <form className="rvp-form" aria-label="Opkomst registreren" onSubmit={(e) => void submit(e)}>
            <FormField>
              <FormLabel htmlFor={ids.scan}>Streepjescode, BSN of naam</FormLabel>
              <FormFieldDescription id={ids.help}>
                Scan de streepjescode op de uitnodiging: de opkomst wordt meteen geregistreerd. Of typ een BSN
                of (een deel van) de naam en druk op Enter.
              </FormFieldDescription>
              <Textbox
                id={ids.scan}
                ref={scanRef}
                aria-describedby={ids.help}
                autoComplete="off"
                value={text}
                onChange={(e) => setText(e.target.value)}
              />
            </FormField>
            <Button type="submit" purpose="primary" busy={busy}>
              Zoeken of registreren
            </Button>
          </form>
          {message ? <Alert type="ok">{message}</Alert> : null}
          {problem ? <ProblemAlert problem={problem} /> : null}
          {results && results.length === 0 ? (
            <Paragraph role="status">Niemand gevonden die voor deze campagne is uitgenodigd.</Paragraph>
          ) : null}
          {results && results.length > 0 ? (
            <Table data-testid="invitation-results">
              <TableCaption>Gevonden uitnodigingen</TableCaption>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell scope="col">Naam</TableHeaderCell>
                  <TableHeaderCell scope="col">BSN</TableHeaderCell>
                  <TableHeaderCell scope="col">Geboortedatum</TableHeaderCell>
                  <TableHeaderCell scope="col">Afspraak</TableHeaderCell>
                  <TableHeaderCell scope="col">Opkomst</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {results.map((r) => (
                  <TableRow key={r.invitationId}>
                    <TableHeaderCell scope="row">{r.name}</TableHeaderCell>
                    <TableCell>{formatBsn(r.bsn)}</TableCell>
                    <TableCell>{formatDate(r.birthDate)}</TableCell>
                    <TableCell>
                      {r.appointment
                        ? `${formatDate(r.appointment.date)} ${r.appointment.time}, ${r.appointment.location}`
                        : 'Gewone uitnodiging, zonder afspraak'}
                    </TableCell>
                    <TableCell>
                      {r.attended ? (
                        'Geweest'
                      ) : (
                        <Button
                          type="button"
                          purpose="secondary"
                          onClick={() => void record({ invitationId: r.invitationId }, r.name)}
                        >
                          Aanwezig: {r.name} ({formatDate(r.birthDate)})
                        </Button>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          ) : null}
          <UptakeTable id={id} version={version} />
        </>
      ) : null}
    </>
  );
}

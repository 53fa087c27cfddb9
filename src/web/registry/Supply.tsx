/**
 * "Vaccinvoorraad" (SPEC §8; seed 002 annex B 4–13, B1, B2; seed 004): stock per fridge, deliveries with
 * their confirmation and the discrepancy report, cold-chain incidents with the registry's decision,
 * batch recalls, the inventory with its plausibility check, the loss D = A + B − C, E and the stock
 * scenarios. Analysts read; registry staff decide and recall, and enter the location's forms
 * (delivery confirmation, incident, inventory count; SupplyForms.tsx). The service checks both again.
 */
import { useId, useState, type FormEvent } from 'react';
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
import type { ListResponse, Problem } from '../shared/api.js';
import { formatDate, formatNumber } from '../shared/format.js';
import { useDocumentTitle, useSession } from '../shared/layout.js';
import { problemOf, useApi, type AsyncState } from '../shared/useApi.js';
import type { LossRow } from './reports.js';
import { ConfirmDeliveryForm, IncidentForm, InventoryForm } from './SupplyForms.js';
import {
  decideIncident,
  DISCREPANCY_STATUS,
  getDiscrepancies,
  getLoss,
  getRecall,
  getScenario,
  getStock,
  INCIDENT_KIND,
  INCIDENT_STATUS,
  inventoryDays,
  listDeliveries,
  listIncidents,
  listInventory,
  listRecalls,
  PLAUSIBILITY_REASON,
  startRecall,
  SUPPLY_MANAGE_ROLES,
  VACCINE_NAMES,
  vaccineName,
  type FridgeStock,
} from './supply.js';

const signed = (n: number) => (n > 0 ? `+${formatNumber(n)}` : n < 0 ? `−${formatNumber(-n)}` : '0');
const percent = (n: number | null) =>
  n === null ? '–' : `${n.toLocaleString('nl-NL', { maximumFractionDigits: 2 })}%`;

export function Supply() {
  const documentTitle = useDocumentTitle('Vaccinvoorraad');
  const { user } = useSession();
  const manage = SUPPLY_MANAGE_ROLES.includes(user.role);
  // Bumped after a form, decision or recall, so the stock and lists reload.
  const [version, setVersion] = useState(0);
  const changed = () => setVersion((v) => v + 1);
  const stock = useApi((signal) => getStock(signal), [version]);
  const fridges = stock.data?.items ?? [];
  return (
    <>
      <PageTitle documentTitle={documentTitle}>Vaccinvoorraad</PageTitle>
      <Paragraph>
        Voorraad per koelkast, leveringen en hun bevestiging, incidenten, terugroepacties, de inventarisatie
        van mei en november, het vaccinverlies en voorraadscenario&apos;s.
      </Paragraph>
      <StockSection stock={stock} />
      <DeliveriesSection version={version} manage={manage} onChange={changed} />
      <IncidentsSection version={version} manage={manage} onChange={changed} fridges={fridges} />
      <RecallSection version={version} manage={manage} onChange={changed} />
      <InventorySection version={version} manage={manage} onChange={changed} fridges={fridges} />
      <LossSection />
      <ScenarioSection version={version} />
    </>
  );
}

function StockSection({ stock }: { stock: AsyncState<ListResponse<FridgeStock>> }) {
  return (
    <Section title="Voorraad per koelkast" testId="stock">
      {stock.status === 'error' ? <ProblemAlert problem={stock.problem} /> : null}
      {stock.data ? (
        <Table>
          <TableCaption>Boekvoorraad: leveringen, correcties, verlies en terugroepacties</TableCaption>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Locatie</TableHeaderCell>
              <TableHeaderCell>Koelkast</TableHeaderCell>
              <TableHeaderCell>Vaccin</TableHeaderCell>
              <TableHeaderCell>Partij</TableHeaderCell>
              <TableHeaderCell numeric>Bruikbaar</TableHeaderCell>
              <TableHeaderCell numeric>In quarantaine</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {stock.data.items.flatMap((f) =>
              f.items.map((i) => (
                <TableRow key={`${f.fridgeId}-${i.vaccineType}-${i.batchNumber}`}>
                  <TableCell>{f.locationName}</TableCell>
                  <TableCell>
                    {f.fridgeName} ({f.fridgeId})
                  </TableCell>
                  <TableCell>{vaccineName(i.vaccineType)}</TableCell>
                  <TableCell>{i.batchNumber}</TableCell>
                  <TableCell numeric>{formatNumber(i.usable)}</TableCell>
                  <TableCell numeric>{formatNumber(i.quarantined)}</TableCell>
                </TableRow>
              )),
            )}
          </TableBody>
        </Table>
      ) : null}
    </Section>
  );
}

function DeliveriesSection({
  version,
  manage,
  onChange,
}: {
  version: number;
  manage: boolean;
  onChange: () => void;
}) {
  const deliveries = useApi((signal) => listDeliveries(signal), [version]);
  const report = useApi((signal) => getDiscrepancies(signal), [version]);
  const open = (deliveries.data?.items ?? []).filter((d) =>
    d.lines.some((l) => l.confirmedQuantity === null),
  );
  return (
    <Section title="Leveringen en bevestiging" testId="deliveries">
      <Paragraph>
        De organisatie bevestigt elke levering per vaccin binnen één werkdag; een afwijking wordt met
        toelichting gemeld.
      </Paragraph>
      {deliveries.status === 'error' ? <ProblemAlert problem={deliveries.problem} /> : null}
      {deliveries.data ? (
        <Table>
          <TableCaption>Recente leveringen</TableCaption>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Koelkast</TableHeaderCell>
              <TableHeaderCell>Geleverd</TableHeaderCell>
              <TableHeaderCell>Bevestigen vóór</TableHeaderCell>
              <TableHeaderCell>Vaccin</TableHeaderCell>
              <TableHeaderCell>Partij</TableHeaderCell>
              <TableHeaderCell numeric>Geleverd</TableHeaderCell>
              <TableHeaderCell numeric>Bevestigd</TableHeaderCell>
              <TableHeaderCell numeric>Verschil</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {deliveries.data.items.flatMap((d) =>
              d.lines.map((l) => (
                <TableRow key={l.id}>
                  <TableCell>{d.fridgeId}</TableCell>
                  <TableCell>{formatDate(d.deliveredOn)}</TableCell>
                  <TableCell>{formatDate(d.confirmBefore)}</TableCell>
                  <TableCell>{vaccineName(l.vaccineType)}</TableCell>
                  <TableCell>{l.batchNumber}</TableCell>
                  <TableCell numeric>{formatNumber(l.quantity)}</TableCell>
                  <TableCell numeric>
                    {l.confirmedQuantity === null ? 'nog niet' : formatNumber(l.confirmedQuantity)}
                  </TableCell>
                  <TableCell numeric>{l.discrepancy === null ? '–' : signed(l.discrepancy)}</TableCell>
                </TableRow>
              )),
            )}
          </TableBody>
        </Table>
      ) : null}
      {manage && open.length > 0 ? (
        <Section title="Levering bevestigen" level={3}>
          {open.map((d) => (
            <ConfirmDeliveryForm key={`${d.id}-${version}`} delivery={d} onDone={onChange} />
          ))}
        </Section>
      ) : null}
      <Section title="Afwijkingenrapport" level={3}>
        {report.status === 'error' ? <ProblemAlert problem={report.problem} /> : null}
        {report.data && report.data.items.length === 0 ? (
          <Paragraph>Geen afwijkingen en geen openstaande bevestigingen.</Paragraph>
        ) : null}
        {report.data && report.data.items.length > 0 ? (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Koelkast</TableHeaderCell>
                <TableHeaderCell>Geleverd</TableHeaderCell>
                <TableHeaderCell>Vaccin / partij</TableHeaderCell>
                <TableHeaderCell numeric>Geleverd</TableHeaderCell>
                <TableHeaderCell numeric>Bevestigd</TableHeaderCell>
                <TableHeaderCell>Status</TableHeaderCell>
                <TableHeaderCell>Toelichting</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {report.data.items.map((r) => (
                <TableRow key={`${r.deliveryId}-${r.vaccineType}-${r.batchNumber}`} data-testid="discrepancy">
                  <TableCell>{r.fridgeId}</TableCell>
                  <TableCell>{formatDate(r.deliveredOn)}</TableCell>
                  <TableCell>
                    {vaccineName(r.vaccineType)} / {r.batchNumber}
                    {r.receivedBatchNumber && r.receivedBatchNumber !== r.batchNumber
                      ? ` (ontvangen: partij ${r.receivedBatchNumber})`
                      : ''}
                    {r.receivedExpiryDate && r.expiryDate && r.receivedExpiryDate !== r.expiryDate
                      ? ` (ontvangen: houdbaar tot ${formatDate(r.receivedExpiryDate)})`
                      : ''}
                  </TableCell>
                  <TableCell numeric>{formatNumber(r.quantity)}</TableCell>
                  <TableCell numeric>
                    {r.confirmedQuantity === null ? '–' : formatNumber(r.confirmedQuantity)}
                  </TableCell>
                  <TableCell>{DISCREPANCY_STATUS[r.status]}</TableCell>
                  <TableCell>{r.note ?? ''}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ) : null}
      </Section>
    </Section>
  );
}

function IncidentsSection({
  version,
  manage,
  onChange,
  fridges,
}: {
  version: number;
  manage: boolean;
  onChange: () => void;
  fridges: FridgeStock[];
}) {
  const incidents = useApi((signal) => listIncidents(signal), [version]);
  return (
    <Section title="Incidenten en quarantaine" testId="incidents">
      <Paragraph>
        Bij een koudeketenincident gaan de vaccins in quarantaine tot het RIVM beslist: vrijgeven of
        vernietigen (bekend verlies).
      </Paragraph>
      {manage ? (
        <Section title="Incident melden" level={3}>
          <IncidentForm fridges={fridges} onDone={onChange} />
        </Section>
      ) : null}
      {incidents.status === 'error' ? <ProblemAlert problem={incidents.problem} /> : null}
      {incidents.data && incidents.data.items.length === 0 ? <Paragraph>Geen incidenten.</Paragraph> : null}
      {incidents.data && incidents.data.items.length > 0 ? (
        <Table>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Datum</TableHeaderCell>
              <TableHeaderCell>Koelkast</TableHeaderCell>
              <TableHeaderCell>Soort</TableHeaderCell>
              <TableHeaderCell>Vaccin / partij</TableHeaderCell>
              <TableHeaderCell numeric>Doses</TableHeaderCell>
              <TableHeaderCell>Omschrijving</TableHeaderCell>
              <TableHeaderCell>Status en besluit</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {incidents.data.items.map((i) => (
              <TableRow key={i.id} data-testid="incident">
                <TableCell>{formatDate(i.occurredOn)}</TableCell>
                <TableCell>{i.fridgeId}</TableCell>
                <TableCell>{INCIDENT_KIND[i.kind]}</TableCell>
                <TableCell>
                  {vaccineName(i.vaccineType)} / {i.batchNumber}
                </TableCell>
                <TableCell numeric>{formatNumber(i.quantity)}</TableCell>
                <TableCell>
                  {i.description}
                  {i.minTemperature !== null || i.maxTemperature !== null
                    ? ` (${[i.minTemperature, i.maxTemperature]
                        .filter((t): t is number => t !== null)
                        .map((t) => `${t.toLocaleString('nl-NL')} °C`)
                        .join(' – ')}${i.durationMinutes ? `, ${formatNumber(i.durationMinutes)} min` : ''})`
                    : ''}
                </TableCell>
                <TableCell>
                  {INCIDENT_STATUS[i.status]}
                  {i.decisionNote ? `: ${i.decisionNote}` : ''}
                  {manage && i.status === 'quarantined' ? <DecisionForm id={i.id} onDone={onChange} /> : null}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : null}
    </Section>
  );
}

function DecisionForm({ id, onDone }: { id: string; onDone: () => void }) {
  const noteId = useId();
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const decide = async (decision: 'release' | 'destroy') => {
    setBusy(true);
    setProblem(null);
    try {
      await decideIncident(id, decision, note);
      onDone();
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form aria-label="Besluit over quarantaine" onSubmit={(e) => e.preventDefault()}>
      {problem ? <ProblemAlert problem={problem} /> : null}
      <FormField>
        <FormLabel htmlFor={noteId}>Onderbouwing besluit</FormLabel>
        <Textarea id={noteId} rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
      </FormField>
      <div className="rvp-toolbar">
        <Button type="button" purpose="secondary" busy={busy} onClick={() => void decide('release')}>
          Vrijgeven
        </Button>
        <Button type="button" purpose="secondary" busy={busy} onClick={() => void decide('destroy')}>
          Vernietigen
        </Button>
      </div>
    </form>
  );
}

function RecallSection({
  version,
  manage,
  onChange,
}: {
  version: number;
  manage: boolean;
  onChange: () => void;
}) {
  const recalls = useApi((signal) => listRecalls(signal), [version]);
  const [selected, setSelected] = useState<string | null>(null);
  const ids = { vaccine: useId(), batch: useId(), reason: useId() };
  const [form, setForm] = useState({ vaccineType: '11', batchNumber: '', reason: '' });
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const recall = await startRecall(form);
      setSelected(recall.id);
      onChange();
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title="Terugroepactie" testId="recalls">
      <Paragraph>
        Een partij terugroepen haalt de voorraad uit alle koelkasten die haar hebben, en toont wie de partij
        kreeg: personen uit gepersonaliseerde registraties, en per organisatie alleen het aantal anonieme
        vaccinaties.
      </Paragraph>
      {manage ? (
        <form className="rvp-form" aria-label="Partij terugroepen" onSubmit={(e) => void submit(e)}>
          {problem ? <ProblemAlert problem={problem} /> : null}
          <div className="rvp-toolbar">
            <FormField>
              <FormLabel htmlFor={ids.vaccine}>Vaccin</FormLabel>
              <Select
                id={ids.vaccine}
                value={form.vaccineType}
                onChange={(e) => setForm({ ...form, vaccineType: e.target.value })}
              >
                {Object.entries(VACCINE_NAMES).map(([code, name]) => (
                  <option key={code} value={code}>
                    {name}
                  </option>
                ))}
              </Select>
            </FormField>
            <FormField>
              <FormLabel htmlFor={ids.batch}>Partijnummer</FormLabel>
              <Textbox
                id={ids.batch}
                value={form.batchNumber}
                onChange={(e) => setForm({ ...form, batchNumber: e.target.value })}
              />
            </FormField>
          </div>
          <FormField>
            <FormLabel htmlFor={ids.reason}>Reden</FormLabel>
            <Textarea
              id={ids.reason}
              rows={2}
              value={form.reason}
              onChange={(e) => setForm({ ...form, reason: e.target.value })}
            />
          </FormField>
          <Button type="submit" purpose="primary" busy={busy}>
            Partij terugroepen
          </Button>
        </form>
      ) : null}
      {recalls.data && recalls.data.items.length > 0 ? (
        <ul>
          {recalls.data.items.map((r) => (
            <li key={r.id}>
              <button type="button" className="nl-link rvp-link-button" onClick={() => setSelected(r.id)}>
                {vaccineName(r.vaccineType)} partij {r.batchNumber}
              </button>{' '}
              ({formatDate(r.startedAt.slice(0, 10))}): {r.reason}
            </li>
          ))}
        </ul>
      ) : null}
      {selected ? <RecallDetails id={selected} /> : null}
    </Section>
  );
}

function RecallDetails({ id }: { id: string }) {
  const recall = useApi((signal) => getRecall(id, signal), [id]);
  if (recall.status === 'error') return <ProblemAlert problem={recall.problem} />;
  if (!recall.data) return <Paragraph role="status">Terugroepactie laden…</Paragraph>;
  const r = recall.data;
  return (
    <div data-testid="recall">
      <Section title={`Partij ${r.batchNumber} (${vaccineName(r.vaccineType)})`} level={3}>
        <Table>
          <TableCaption>Locaties die de partij hadden</TableCaption>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Locatie</TableHeaderCell>
              <TableHeaderCell>Koelkast</TableHeaderCell>
              <TableHeaderCell>Organisatie (URA)</TableHeaderCell>
              <TableHeaderCell numeric>Teruggehaald</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {r.locations.map((l) => (
              <TableRow key={l.fridgeId} data-testid="recall-location">
                <TableCell>{l.locationName}</TableCell>
                <TableCell>{l.fridgeName}</TableCell>
                <TableCell>{l.organisationUra}</TableCell>
                <TableCell numeric>{formatNumber(l.recalled)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <Paragraph data-testid="recall-recipient-count">
          {formatNumber(r.recipients.length)} personen kregen deze partij (gepersonaliseerd geregistreerd);
          anoniem:{' '}
          {r.anonymousByOrganisation.length === 0
            ? 'geen'
            : r.anonymousByOrganisation
                .map((a) => `${formatNumber(a.count)} bij ${a.organisationUra}`)
                .join(', ')}
          .
        </Paragraph>
        {r.recipients.length > 0 ? (
          <Table>
            <TableCaption>Ontvangers</TableCaption>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Naam</TableHeaderCell>
                <TableHeaderCell>Geboortedatum</TableHeaderCell>
                <TableHeaderCell>Gevaccineerd op</TableHeaderCell>
                <TableHeaderCell>Organisatie (URA)</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {r.recipients.slice(0, 200).map((p) => (
                <TableRow key={`${p.personId}-${p.vaccinationDate}`}>
                  <TableCell>{p.name}</TableCell>
                  <TableCell>{formatDate(p.birthDate)}</TableCell>
                  <TableCell>{formatDate(p.vaccinationDate)}</TableCell>
                  <TableCell>{p.organisationUra}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ) : null}
      </Section>
    </div>
  );
}

function InventorySection({
  version,
  manage,
  onChange,
  fridges,
}: {
  version: number;
  manage: boolean;
  onChange: () => void;
  fridges: FridgeStock[];
}) {
  const counts = useApi((signal) => listInventory(signal), [version]);
  return (
    <Section title="Inventarisatie (mei en november)" testId="inventory">
      <Paragraph>
        Telling per koelkast op de laatste werkdag van mei en november, getoetst aan de verwachte voorraad
        (vorige telling + leveringen − verlies − toedieningen).
      </Paragraph>
      {manage ? (
        <Section title="Inventarisatie invoeren" level={3}>
          <InventoryForm fridges={fridges} onDone={onChange} />
        </Section>
      ) : null}
      {counts.status === 'error' ? <ProblemAlert problem={counts.problem} /> : null}
      {counts.data ? (
        <Table>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Datum</TableHeaderCell>
              <TableHeaderCell>Koelkast</TableHeaderCell>
              <TableHeaderCell>Vaccin</TableHeaderCell>
              <TableHeaderCell numeric>Geteld</TableHeaderCell>
              <TableHeaderCell numeric>Verwacht</TableHeaderCell>
              <TableHeaderCell>Plausibel</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {counts.data.items.map((c) => (
              <TableRow key={`${c.fridgeId}-${c.countDate}-${c.vaccineType}`} data-testid="inventory-row">
                <TableCell>{formatDate(c.countDate)}</TableCell>
                <TableCell>{c.fridgeId}</TableCell>
                <TableCell>{vaccineName(c.vaccineType)}</TableCell>
                <TableCell numeric>{formatNumber(c.counted)}</TableCell>
                <TableCell numeric>{formatNumber(c.expected)}</TableCell>
                <TableCell>
                  {c.plausible ? 'ja' : `nee (${PLAUSIBILITY_REASON[c.reason] ?? c.reason})`}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : null}
    </Section>
  );
}

function LossSection() {
  const stock = useApi((signal) => getStock(signal), []);
  const organisations = [...new Map((stock.data?.items ?? []).map((f) => [f.organisationUra, f])).values()];
  const lastYear = new Date().getFullYear() - 1;
  const [defaultFrom, defaultTo] = inventoryDays(lastYear);
  const [ura, setUra] = useState('');
  const [period, setPeriod] = useState({ from: defaultFrom, to: defaultTo });
  const chosen = ura || organisations[0]?.organisationUra || '';
  const ids = { org: useId(), from: useId(), to: useId() };
  const loss = useApi(
    (signal) => (chosen ? getLoss({ organisationUra: chosen, ...period }, signal) : Promise.resolve(null)),
    [chosen, period.from, period.to],
  );
  const row = (
    v: LossRow | (Omit<LossRow, 'vaccineType' | 'explanation'> & { vaccineType?: string }),
    total = false,
  ) => (
    <TableRow
      key={v.vaccineType ?? 'total'}
      data-testid={total ? 'loss-total' : 'loss-row'}
      data-flagged={v.flagged}
    >
      <TableCell>{total ? 'Totaal' : vaccineName(v.vaccineType ?? '')}</TableCell>
      <TableCell numeric>{formatNumber(v.openingStock)}</TableCell>
      <TableCell numeric>{formatNumber(v.delivered)}</TableCell>
      <TableCell numeric>{formatNumber(v.closingStock)}</TableCell>
      <TableCell numeric>{formatNumber(v.administrativeUse)}</TableCell>
      <TableCell numeric>{formatNumber(v.accountedUse)}</TableCell>
      <TableCell numeric>{signed(v.loss)}</TableCell>
      <TableCell numeric>{formatNumber(v.knownLoss)}</TableCell>
      <TableCell numeric>{signed(v.unknownLoss)}</TableCell>
      <TableCell numeric>{percent(v.lossPercent)}</TableCell>
      <TableCell>{v.flagged ? 'boven 1%' : v.negative ? 'negatief' : ''}</TableCell>
    </TableRow>
  );
  return (
    <Section title="Vaccinverlies" testId="loss">
      <Paragraph>
        Per vaccin: D = A + B − C (beginvoorraad + leveringen − eindvoorraad), E = geldige geregistreerde
        toedieningen (gepersonaliseerd en anoniem), verlies = D − E, gesplitst in bekend verlies (gemelde
        incidenten) en onbekend verlies. Verlies boven 1% opent een punt voor het afstemmingsoverleg.
      </Paragraph>
      <form className="rvp-toolbar" aria-label="Organisatie en periode" onSubmit={(e) => e.preventDefault()}>
        <FormField>
          <FormLabel htmlFor={ids.org}>Organisatie</FormLabel>
          <Select id={ids.org} value={chosen} onChange={(e) => setUra(e.target.value)}>
            {organisations.map((o) => (
              <option key={o.organisationUra} value={o.organisationUra}>
                {o.locationName.replace(/, centrale locatie$/, '')} ({o.organisationUra})
              </option>
            ))}
          </Select>
        </FormField>
        <FormField>
          <FormLabel htmlFor={ids.from}>Telling begin (A)</FormLabel>
          <Textbox
            id={ids.from}
            type="date"
            value={period.from}
            onChange={(e) => setPeriod({ ...period, from: e.target.value })}
          />
        </FormField>
        <FormField>
          <FormLabel htmlFor={ids.to}>Telling eind (C)</FormLabel>
          <Textbox
            id={ids.to}
            type="date"
            value={period.to}
            onChange={(e) => setPeriod({ ...period, to: e.target.value })}
          />
        </FormField>
      </form>
      {loss.status === 'error' ? <ProblemAlert problem={loss.problem} /> : null}
      {loss.data ? (
        <>
          <Table>
            <TableCaption>
              Verlies {formatDate(loss.data.from)} – {formatDate(loss.data.to)}
            </TableCaption>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Vaccin</TableHeaderCell>
                <TableHeaderCell numeric>A begin</TableHeaderCell>
                <TableHeaderCell numeric>B geleverd</TableHeaderCell>
                <TableHeaderCell numeric>C eind</TableHeaderCell>
                <TableHeaderCell numeric>D = A + B − C</TableHeaderCell>
                <TableHeaderCell numeric>E toegediend</TableHeaderCell>
                <TableHeaderCell numeric>Verlies D − E</TableHeaderCell>
                <TableHeaderCell numeric>Bekend</TableHeaderCell>
                <TableHeaderCell numeric>Onbekend</TableHeaderCell>
                <TableHeaderCell numeric>% van D</TableHeaderCell>
                <TableHeaderCell>Signaal</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {loss.data.vaccines.map((v) => row(v))}
              {row(loss.data.total, true)}
            </TableBody>
          </Table>
          {loss.data.vaccines
            .filter((v) => v.explanation)
            .map((v) => (
              <Alert key={v.vaccineType} type="warning">
                <strong>{vaccineName(v.vaccineType)}: </strong>
                {v.explanation}
              </Alert>
            ))}
          {loss.data.total.flagged ? (
            <Alert type="info">
              Het verlies is hoger dan 1%: er staat een punt klaar voor het afstemmingsoverleg.
            </Alert>
          ) : null}
        </>
      ) : null}
    </Section>
  );
}

function ScenarioSection({ version }: { version: number }) {
  const [months, setMonths] = useState(6);
  const [uptake, setUptake] = useState(0.9);
  const ids = { months: useId(), uptake: useId() };
  const scenario = useApi((signal) => getScenario({ months, uptake }, signal), [months, uptake, version]);
  return (
    <Section title="Voorraadscenario's" testId="scenario">
      <Paragraph>
        Verwachte behoefte per vaccin uit het schema, het aantal kinderen en de verwachte opkomst, tegenover
        de voorraad (met een veiligheidsvoorraad van één maand): overschot dat gedoneerd kan worden, of
        tekort.
      </Paragraph>
      <form className="rvp-toolbar" aria-label="Scenario" onSubmit={(e) => e.preventDefault()}>
        <FormField>
          <FormLabel htmlFor={ids.months}>Maanden vooruit</FormLabel>
          <Select id={ids.months} value={months} onChange={(e) => setMonths(Number(e.target.value))}>
            {[3, 6, 12].map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </Select>
        </FormField>
        <FormField>
          <FormLabel htmlFor={ids.uptake}>Verwachte opkomst</FormLabel>
          <Select id={ids.uptake} value={uptake} onChange={(e) => setUptake(Number(e.target.value))}>
            {[0.8, 0.9, 0.95].map((u) => (
              <option key={u} value={u}>
                {Math.round(u * 100)}%
              </option>
            ))}
          </Select>
        </FormField>
      </form>
      {scenario.status === 'error' ? <ProblemAlert problem={scenario.problem} /> : null}
      {scenario.data ? (
        <Table>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Vaccin</TableHeaderCell>
              <TableHeaderCell numeric>Behoefte</TableHeaderCell>
              <TableHeaderCell numeric>Veiligheidsvoorraad</TableHeaderCell>
              <TableHeaderCell numeric>Voorraad</TableHeaderCell>
              <TableHeaderCell numeric>Saldo</TableHeaderCell>
              <TableHeaderCell>Uitkomst</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {scenario.data.items.map((s) => (
              <TableRow key={s.vaccineType}>
                <TableCell>{vaccineName(s.vaccineType)}</TableCell>
                <TableCell numeric>{formatNumber(s.totalNeed)}</TableCell>
                <TableCell numeric>{formatNumber(s.safetyStock)}</TableCell>
                <TableCell numeric>{formatNumber(s.stock)}</TableCell>
                <TableCell numeric>{signed(s.balance)}</TableCell>
                <TableCell>
                  {s.outcome === 'surplus'
                    ? 'Overschot (kan gedoneerd worden)'
                    : s.outcome === 'shortfall'
                      ? 'Tekort'
                      : 'In balans'}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : null}
    </Section>
  );
}

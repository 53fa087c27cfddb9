/**
 * The location's supply forms on "Vaccinvoorraad" (seed 002 annex B 7, 9, B1: "RIVM stelt een
 * digitaal formulier ter beschikking"): confirming a delivery per vaccine, reporting an incident and
 * the inventory count per fridge. Registry staff enter them (supply.manage; docs/supply.md says why).
 * Errors from the API's problem+json land at their field, like the other forms.
 */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import {
  Alert,
  Button,
  ErrorSummary,
  FormField,
  FormLabel,
  Paragraph,
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
import { DateField, ErrorText, problemErrors, summaryOf, type FormErrors } from '../shared/form.js';
import { mapFieldErrors } from '../shared/form-errors.js';
import { formatDate, formatNumber, todayIso } from '../shared/format.js';
import { problemOf } from '../shared/useApi.js';
import {
  checkInventory,
  confirmDelivery,
  INCIDENT_KIND,
  inventoryDays,
  lineDiscrepancy,
  PLAUSIBILITY_REASON,
  reportIncidents,
  saveInventory,
  STORAGE_RANGE,
  VACCINE_NAMES,
  vaccineName,
  type Delivery,
  type FridgeStock,
  type Incident,
  type InventoryResult,
} from './supply.js';

const signed = (n: number) => (n > 0 ? `+${formatNumber(n)}` : n < 0 ? `−${formatNumber(-n)}` : '0');

/** A typed number ("12,5" or "12.5"); undefined when empty, NaN when not a number. */
const parseNumber = (text: string): number | undefined =>
  text.trim() === '' ? undefined : Number(text.trim().replace(',', '.'));

/** Server paths without "body." are the form's field keys (e.g. "lines[0].note"). */
const fieldOfPath = (path: string) => (path.startsWith('body.') ? path.slice(5) : undefined);

/** Error state of one form: the summary at the top, the messages at each field. */
function useFormErrors() {
  const [errors, setErrors] = useState<FormErrors<string> | null>(null);
  const byField = errors?.mapped.byField ?? {};
  return {
    errors,
    byField,
    local: (messages: Record<string, string>) =>
      setErrors({
        title: 'Er is iets niet goed ingevuld',
        mapped: mapFieldErrors(
          Object.entries(messages).map(([field, message]) => ({ field, rule: 'form', message })),
          (f) => f,
        ),
      }),
    server: (error: unknown, fieldOf: (path: string) => string | undefined = fieldOfPath) =>
      setErrors(problemErrors(problemOf(error), (list) => mapFieldErrors(list, fieldOf))),
    clear: () => setErrors(null),
  };
}

function Summary({
  form,
  order,
  idOf,
}: {
  form: ReturnType<typeof useFormErrors>;
  order: string[];
  idOf: (field: string) => string;
}) {
  if (!form.errors) return null;
  return (
    <ErrorSummary
      title={form.errors.title}
      errors={summaryOf(form.errors, order, idOf)}
      attempt={form.errors}
    />
  );
}

function Field({
  id,
  label,
  errors,
  children,
}: {
  id: string;
  label: string;
  errors: string[] | undefined;
  children: ReactNode;
}) {
  return (
    <FormField invalid={Boolean(errors?.length)}>
      <FormLabel htmlFor={id}>{label}</FormLabel>
      <ErrorText id={`${id}-error`} messages={errors} />
      {children}
    </FormField>
  );
}

const inputProps = (id: string, errors: string[] | undefined) => ({
  id,
  invalid: Boolean(errors?.length),
  'aria-describedby': errors?.length ? `${id}-error` : undefined,
});

// ---------------------------------------------------------------------------------------------
// Delivery confirmation (annex B 7)

/** Confirm an unconfirmed delivery per vaccine: received quantity, batch and expiry on the vials. */
export function ConfirmDeliveryForm({ delivery, onDone }: { delivery: Delivery; onDone: () => void }) {
  const base = useId();
  const open = delivery.lines.filter((l) => l.confirmedQuantity === null);
  const [values, setValues] = useState(() =>
    open.map((l) => ({
      quantity: String(l.quantity),
      batch: l.batchNumber,
      expiry: l.expiryDate ?? '',
      note: '',
    })),
  );
  const form = useFormErrors();
  const [busy, setBusy] = useState(false);
  const idOf = (field: string) => `${base}-${field.replace(/[^\w]/g, '-')}`;
  const order = open.flatMap((_l, i) =>
    ['confirmedQuantity', 'batchNumber', 'expiryDate', 'note'].map((f) => `lines[${i}].${f}`),
  );
  const set = (i: number, patch: Partial<(typeof values)[number]>) =>
    setValues(values.map((v, j) => (j === i ? { ...v, ...patch } : v)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local: Record<string, string> = {};
    values.forEach((v, i) => {
      const n = parseNumber(v.quantity);
      if (n === undefined || !Number.isInteger(n) || n < 0)
        local[`lines[${i}].confirmedQuantity`] = 'Vul het ontvangen aantal doses in (een heel getal).';
    });
    if (Object.keys(local).length > 0) return form.local(local);
    setBusy(true);
    form.clear();
    try {
      await confirmDelivery(
        delivery.id,
        open.map((l, i) => {
          const v = values[i]!;
          return {
            lineId: l.id,
            confirmedQuantity: Number(v.quantity),
            ...(v.batch.trim() && v.batch.trim() !== l.batchNumber ? { batchNumber: v.batch.trim() } : {}),
            ...(v.expiry && v.expiry !== l.expiryDate ? { expiryDate: v.expiry } : {}),
            ...(v.note.trim() ? { note: v.note.trim() } : {}),
          };
        }),
      );
      onDone();
    } catch (error) {
      form.server(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="rvp-form"
      aria-label={`Levering ${delivery.fridgeId} van ${formatDate(delivery.deliveredOn)} bevestigen`}
      noValidate
      onSubmit={(e) => void submit(e)}
    >
      <Summary form={form} order={order} idOf={idOf} />
      <Paragraph>
        Bevestigen vóór {formatDate(delivery.confirmBefore)}. Vul per vaccin in wat er werkelijk is ontvangen;
        een afwijking van de leveringsbevestiging licht u toe.
      </Paragraph>
      {open.map((l, i) => {
        const v = values[i]!;
        const field = (f: string) => `lines[${i}].${f}`;
        const received = parseNumber(v.quantity);
        const diff =
          received === undefined || Number.isNaN(received)
            ? null
            : lineDiscrepancy(
                { quantity: l.quantity, batchNumber: l.batchNumber, expiryDate: l.expiryDate },
                { quantity: received, batchNumber: v.batch, expiryDate: v.expiry || undefined },
              );
        return (
          <fieldset key={l.id} className="utrecht-form-fieldset rvp-fieldset" data-testid="confirm-line">
            <legend className="utrecht-form-fieldset__legend">
              {vaccineName(l.vaccineType)}: partij {l.batchNumber}, {formatNumber(l.quantity)} doses
              {l.expiryDate ? `, houdbaar tot ${formatDate(l.expiryDate)}` : ''}
            </legend>
            <div className="rvp-toolbar">
              <Field
                id={idOf(field('confirmedQuantity'))}
                label="Ontvangen aantal"
                errors={form.byField[field('confirmedQuantity')]}
              >
                <Textbox
                  {...inputProps(idOf(field('confirmedQuantity')), form.byField[field('confirmedQuantity')])}
                  inputMode="numeric"
                  value={v.quantity}
                  onChange={(e) => set(i, { quantity: e.target.value })}
                />
              </Field>
              <Field
                id={idOf(field('batchNumber'))}
                label="Partijnummer"
                errors={form.byField[field('batchNumber')]}
              >
                <Textbox
                  {...inputProps(idOf(field('batchNumber')), form.byField[field('batchNumber')])}
                  value={v.batch}
                  onChange={(e) => set(i, { batch: e.target.value })}
                />
              </Field>
              <Field
                id={idOf(field('expiryDate'))}
                label="Vervaldatum"
                errors={form.byField[field('expiryDate')]}
              >
                <Textbox
                  {...inputProps(idOf(field('expiryDate')), form.byField[field('expiryDate')])}
                  type="date"
                  value={v.expiry}
                  onChange={(e) => set(i, { expiry: e.target.value })}
                />
              </Field>
            </div>
            {diff?.isDiscrepancy ? (
              <Alert type="warning">
                <span data-testid="confirm-discrepancy">
                  Afwijking:{' '}
                  {[
                    diff.quantity !== 0 ? `${signed(diff.quantity)} doses` : null,
                    diff.batchDiffers ? 'andere partij' : null,
                    diff.expiryDiffers ? 'andere vervaldatum' : null,
                  ]
                    .filter(Boolean)
                    .join(', ')}
                  . Licht de afwijking toe; zij komt in het afwijkingenrapport.
                </span>
              </Alert>
            ) : null}
            <Field
              id={idOf(field('note'))}
              label="Toelichting afwijking"
              errors={form.byField[field('note')]}
            >
              <Textarea
                {...inputProps(idOf(field('note')), form.byField[field('note')])}
                rows={2}
                value={v.note}
                onChange={(e) => set(i, { note: e.target.value })}
              />
            </Field>
          </fieldset>
        );
      })}
      <Button type="submit" purpose="primary" busy={busy}>
        Levering bevestigen
      </Button>
    </form>
  );
}

// ---------------------------------------------------------------------------------------------
// Incident report (annex B 9)

const INCIDENT_ORDER = [
  'fridgeId',
  'kind',
  'occurredOn',
  'minTemperature',
  'maxTemperature',
  'durationMinutes',
  'description',
  'items',
];

/** Report an incident for one fridge; the vaccines affected come from its book stock. */
export function IncidentForm({ fridges, onDone }: { fridges: FridgeStock[]; onDone: () => void }) {
  const base = useId();
  const idOf = (field: string) => `${base}-${field.replace(/[^\w]/g, '-')}`;
  const [fridgeId, setFridgeId] = useState('');
  const chosen = fridges.find((f) => f.fridgeId === fridgeId) ?? fridges[0];
  const [kind, setKind] = useState<Incident['kind']>('cold-chain');
  const [occurredOn, setOccurredOn] = useState(todayIso());
  const [temps, setTemps] = useState({ min: '', max: '', duration: '' });
  const [description, setDescription] = useState('');
  const [affected, setAffected] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useFormErrors();
  const stock = (chosen?.items ?? []).filter((i) => i.usable > 0);
  const key = (i: { vaccineType: string; batchNumber: string }) => `${i.vaccineType}|${i.batchNumber}`;
  const order = [...INCIDENT_ORDER, ...stock.map((i) => `item:${key(i)}`)];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    const local: Record<string, string> = {};
    const numbers = {
      min: parseNumber(temps.min),
      max: parseNumber(temps.max),
      duration: parseNumber(temps.duration),
    };
    if (Number.isNaN(numbers.min))
      local.minTemperature = 'Vul een temperatuur in graden Celsius in, bijvoorbeeld 1,5.';
    if (Number.isNaN(numbers.max))
      local.maxTemperature = 'Vul een temperatuur in graden Celsius in, bijvoorbeeld 12,5.';
    if (numbers.duration !== undefined && !(Number.isInteger(numbers.duration) && numbers.duration > 0))
      local.durationMinutes = 'Vul de duur in hele minuten in.';
    const items = stock
      .map((i) => ({ item: i, quantity: parseNumber(affected[key(i)] ?? '') }))
      .filter((x) => x.quantity !== undefined);
    for (const x of items)
      if (!Number.isInteger(x.quantity) || x.quantity! < 1)
        local[`item:${key(x.item)}`] = 'Vul een heel aantal doses in (of laat leeg).';
    if (items.length === 0) local.items = 'Vul bij ten minste één vaccin het aantal getroffen doses in.';
    if (Object.keys(local).length > 0) return form.local(local);
    setBusy(true);
    form.clear();
    try {
      const result = await reportIncidents({
        fridgeId: chosen!.fridgeId,
        kind,
        occurredOn,
        description: description.trim(),
        ...(numbers.min !== undefined ? { minTemperature: numbers.min } : {}),
        ...(numbers.max !== undefined ? { maxTemperature: numbers.max } : {}),
        ...(numbers.duration !== undefined ? { durationMinutes: numbers.duration } : {}),
        items: items.map((x) => ({
          vaccineType: x.item.vaccineType,
          batchNumber: x.item.batchNumber,
          quantity: x.quantity!,
        })),
      });
      const doses = result.items.reduce((s, i) => s + i.quantity, 0);
      setDone(
        kind === 'cold-chain'
          ? `Gemeld: ${formatNumber(doses)} doses in quarantaine tot het RIVM beslist.`
          : `Gemeld: ${formatNumber(doses)} doses als bekend verlies afgeboekt.`,
      );
      setAffected({});
      setDescription('');
      setTemps({ min: '', max: '', duration: '' });
      onDone();
    } catch (error) {
      form.server(error, (path) => {
        const m = /^body\.items\[(\d+)\]/.exec(path);
        if (m) {
          const x = items[Number(m[1])];
          return x ? `item:${key(x.item)}` : 'items';
        }
        return fieldOfPath(path);
      });
    } finally {
      setBusy(false);
    }
  };

  if (fridges.length === 0) return null;
  const f = form.byField;
  return (
    <form className="rvp-form" aria-label="Incident melden" noValidate onSubmit={(e) => void submit(e)}>
      <Summary form={form} order={order} idOf={idOf} />
      {done ? (
        <Alert type="ok">
          <span data-testid="incident-done">{done}</span>
        </Alert>
      ) : null}
      <div className="rvp-toolbar">
        <Field id={idOf('fridgeId')} label="Koelkast" errors={f.fridgeId}>
          <Select
            {...inputProps(idOf('fridgeId'), f.fridgeId)}
            value={chosen?.fridgeId}
            onChange={(e) => {
              setFridgeId(e.target.value);
              setAffected({});
            }}
          >
            {fridges.map((fr) => (
              <option key={fr.fridgeId} value={fr.fridgeId}>
                {fr.locationName}: {fr.fridgeName} ({fr.fridgeId})
              </option>
            ))}
          </Select>
        </Field>
        <Field id={idOf('kind')} label="Soort incident" errors={f.kind}>
          <Select
            {...inputProps(idOf('kind'), f.kind)}
            value={kind}
            onChange={(e) => setKind(e.target.value as Incident['kind'])}
          >
            {Object.entries(INCIDENT_KIND).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <DateField
        id={idOf('occurredOn')}
        label="Datum incident"
        value={occurredOn}
        onChange={setOccurredOn}
        errors={f.occurredOn}
      />
      <Paragraph>
        Vaccins horen tussen +{STORAGE_RANGE.min} °C en +{STORAGE_RANGE.max} °C. Bij een koudeketenincident
        vult u de gemeten temperatuur buiten dat bereik in en hoe lang het duurde.
      </Paragraph>
      <div className="rvp-toolbar">
        <Field id={idOf('minTemperature')} label="Laagste temperatuur (°C)" errors={f.minTemperature}>
          <Textbox
            {...inputProps(idOf('minTemperature'), f.minTemperature)}
            inputMode="decimal"
            value={temps.min}
            onChange={(e) => setTemps({ ...temps, min: e.target.value })}
          />
        </Field>
        <Field id={idOf('maxTemperature')} label="Hoogste temperatuur (°C)" errors={f.maxTemperature}>
          <Textbox
            {...inputProps(idOf('maxTemperature'), f.maxTemperature)}
            inputMode="decimal"
            value={temps.max}
            onChange={(e) => setTemps({ ...temps, max: e.target.value })}
          />
        </Field>
        <Field id={idOf('durationMinutes')} label="Duur (minuten)" errors={f.durationMinutes}>
          <Textbox
            {...inputProps(idOf('durationMinutes'), f.durationMinutes)}
            inputMode="numeric"
            value={temps.duration}
            onChange={(e) => setTemps({ ...temps, duration: e.target.value })}
          />
        </Field>
      </div>
      <Field id={idOf('description')} label="Omschrijving" errors={f.description}>
        <Textarea
          {...inputProps(idOf('description'), f.description)}
          rows={2}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </Field>
      <fieldset className="utrecht-form-fieldset rvp-fieldset" id={idOf('items')} tabIndex={-1}>
        <legend className="utrecht-form-fieldset__legend">Getroffen vaccins (aantal doses)</legend>
        <ErrorText id={`${idOf('items')}-error`} messages={f.items} />
        {stock.length === 0 ? <Paragraph>Deze koelkast heeft geen bruikbare voorraad.</Paragraph> : null}
        <div className="rvp-toolbar">
          {stock.map((i) => {
            const field = `item:${key(i)}`;
            return (
              <Field
                key={field}
                id={idOf(field)}
                label={`${vaccineName(i.vaccineType)} ${i.batchNumber} (${formatNumber(i.usable)} op voorraad)`}
                errors={f[field]}
              >
                <Textbox
                  {...inputProps(idOf(field), f[field])}
                  inputMode="numeric"
                  size={6}
                  value={affected[key(i)] ?? ''}
                  onChange={(e) => setAffected({ ...affected, [key(i)]: e.target.value })}
                />
              </Field>
            );
          })}
        </div>
      </fieldset>
      <Button type="submit" purpose="primary" busy={busy}>
        Incident melden
      </Button>
    </form>
  );
}

// ---------------------------------------------------------------------------------------------
// Inventory count (annex B1)

/** The inventory day now open (up to 7 days before it), else the last one that passed. */
function currentInventoryDay(today: string): string {
  const year = Number(today.slice(0, 4));
  const days = [...inventoryDays(year - 1), ...inventoryDays(year)];
  const open = days.find((d) => {
    const t = new Date(`${d}T00:00:00Z`);
    t.setUTCDate(t.getUTCDate() - 7);
    return today >= t.toISOString().slice(0, 10) && today <= d;
  });
  return open ?? days.filter((d) => d <= today).at(-1) ?? days[0]!;
}

/** Count per fridge and vaccine; the plausibility check is shown before the count is saved. */
export function InventoryForm({ fridges, onDone }: { fridges: FridgeStock[]; onDone: () => void }) {
  const base = useId();
  const idOf = (field: string) => `${base}-${field.replace(/[^\w]/g, '-')}`;
  const [fridgeId, setFridgeId] = useState('');
  const chosen = fridges.find((f) => f.fridgeId === fridgeId) ?? fridges[0];
  const [countDate, setCountDate] = useState(() => currentInventoryDay(todayIso()));
  const [counted, setCounted] = useState<Record<string, string>>({});
  const [check, setCheck] = useState<InventoryResult | null>(null);
  const [saved, setSaved] = useState<InventoryResult | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useFormErrors();
  const types = Object.keys(VACCINE_NAMES);
  const order = ['fridgeId', 'countDate', 'counts', ...types.map((t) => `count:${t}`)];
  // Any change makes the last check stale: the count is saved only as it was checked.
  const edit = (fn: () => void) => {
    fn();
    setCheck(null);
    setSaved(null);
  };

  const input = () => {
    const local: Record<string, string> = {};
    const counts = types
      .map((t) => ({ vaccineType: t, counted: parseNumber(counted[t] ?? '') }))
      .filter((c) => c.counted !== undefined);
    for (const c of counts)
      if (!Number.isInteger(c.counted) || c.counted! < 0)
        local[`count:${c.vaccineType}`] = 'Vul een heel aantal in (0 of meer).';
    if (counts.length === 0) local.counts = 'Vul ten minste één telling in.';
    if (Object.keys(local).length > 0) {
      form.local(local);
      return null;
    }
    return {
      fridgeId: chosen!.fridgeId,
      countDate,
      counts: counts.map((c) => ({ vaccineType: c.vaccineType, counted: c.counted! })),
    };
  };
  const fieldOf = (body: { counts: { vaccineType: string }[] } | null) => (path: string) => {
    const m = /^body\.counts\[(\d+)\]/.exec(path);
    if (m) return body?.counts[Number(m[1])] ? `count:${body.counts[Number(m[1])]!.vaccineType}` : 'counts';
    return fieldOfPath(path);
  };
  const run = async (event: FormEvent, save: boolean) => {
    event.preventDefault();
    const body = input();
    if (!body) return;
    setBusy(true);
    form.clear();
    try {
      if (save) {
        setSaved(await saveInventory(body));
        setCheck(null);
        setCounted({});
        onDone();
      } else {
        setCheck(await checkInventory(body));
      }
    } catch (error) {
      form.server(error, fieldOf(body));
    } finally {
      setBusy(false);
    }
  };

  if (fridges.length === 0) return null;
  const f = form.byField;
  const implausible = check?.counts.filter((c) => !c.plausible) ?? [];
  return (
    <form
      className="rvp-form"
      aria-label="Inventarisatie invoeren"
      noValidate
      onSubmit={(e) => void run(e, false)}
    >
      <Summary form={form} order={order} idOf={idOf} />
      {saved ? (
        <Alert type="ok">
          <span data-testid="inventory-saved">
            Telling van {formatDate(saved.countDate)} voor {saved.fridgeId} opgeslagen (
            {formatNumber(saved.counts.length)} vaccins).
          </span>
        </Alert>
      ) : null}
      <div className="rvp-toolbar">
        <Field id={idOf('fridgeId')} label="Koelkast" errors={f.fridgeId}>
          <Select
            {...inputProps(idOf('fridgeId'), f.fridgeId)}
            value={chosen?.fridgeId}
            onChange={(e) => edit(() => setFridgeId(e.target.value))}
          >
            {fridges.map((fr) => (
              <option key={fr.fridgeId} value={fr.fridgeId}>
                {fr.locationName}: {fr.fridgeName} ({fr.fridgeId})
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <DateField
        id={idOf('countDate')}
        label="Telmoment"
        description="De laatste werkdag van mei of november, of tot 7 dagen ervoor als de locatie dan dicht is."
        value={countDate}
        onChange={(v) => edit(() => setCountDate(v))}
        errors={f.countDate}
      />
      <fieldset className="utrecht-form-fieldset rvp-fieldset" id={idOf('counts')} tabIndex={-1}>
        <legend className="utrecht-form-fieldset__legend">
          Geteld aantal doses (leeg: niet in deze koelkast)
        </legend>
        <ErrorText id={`${idOf('counts')}-error`} messages={f.counts} />
        <div className="rvp-toolbar">
          {types.map((t) => (
            <Field key={t} id={idOf(`count:${t}`)} label={vaccineName(t)} errors={f[`count:${t}`]}>
              <Textbox
                {...inputProps(idOf(`count:${t}`), f[`count:${t}`])}
                inputMode="numeric"
                size={6}
                value={counted[t] ?? ''}
                onChange={(e) => edit(() => setCounted({ ...counted, [t]: e.target.value }))}
              />
            </Field>
          ))}
        </div>
      </fieldset>
      {check ? (
        <div data-testid="inventory-check">
          <Table>
            <TableCaption>Plausibiliteit (nog niet opgeslagen)</TableCaption>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Vaccin</TableHeaderCell>
                <TableHeaderCell numeric>Geteld</TableHeaderCell>
                <TableHeaderCell numeric>Verwacht</TableHeaderCell>
                <TableHeaderCell numeric>Verschil</TableHeaderCell>
                <TableHeaderCell>Oordeel</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {check.counts.map((c) => (
                <TableRow key={c.vaccineType} data-plausible={c.plausible}>
                  <TableCell>{vaccineName(c.vaccineType)}</TableCell>
                  <TableCell numeric>{formatNumber(c.counted)}</TableCell>
                  <TableCell numeric>{formatNumber(c.expected)}</TableCell>
                  <TableCell numeric>{signed(c.difference)}</TableCell>
                  <TableCell>{PLAUSIBILITY_REASON[c.reason]}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          {implausible.length > 0 ? (
            <Alert type="warning">
              <span data-testid="inventory-warning">
                Niet plausibel:{' '}
                {implausible
                  .map((c) => `${vaccineName(c.vaccineType)} (${PLAUSIBILITY_REASON[c.reason]})`)
                  .join('; ')}
                . Tel opnieuw, of sla op als de telling klopt: het RIVM neemt dan contact op.
              </span>
            </Alert>
          ) : (
            <Alert type="ok">Alle tellingen zijn plausibel.</Alert>
          )}
        </div>
      ) : null}
      <div className="rvp-toolbar">
        <Button type="submit" purpose={check ? 'secondary' : 'primary'} busy={busy}>
          Controleren
        </Button>
        {check ? (
          <Button type="button" purpose="primary" busy={busy} onClick={(e) => void run(e, true)}>
            Telling opslaan
          </Button>
        ) : null}
      </div>
    </form>
  );
}

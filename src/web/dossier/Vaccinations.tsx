/**
 * The client page's vaccination sections (SPEC §4): the contact moments with their vaccinations and
 * the state of every message to the registry, the form to record a contact moment, correcting and
 * cancelling a vaccination, and the status query to the registry (R-V7, R-C6). Every refusal is the
 * server's and is shown at the field it names; which message goes out (4 or 4a) is decided by the
 * server at send time.
 */
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { Problem } from '../shared/api.js';
import {
  Alert,
  Button,
  describedBy,
  ErrorSummary,
  FormField,
  FormFieldDescription,
  FormLabel,
  Heading,
  Link,
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
  VisuallyHidden,
} from '../shared/components.js';
import { DateField, ErrorText, problemErrors, summaryOf, type FormErrors } from '../shared/form.js';
import { formatDate, formatDateTime, formatName } from '../shared/format.js';
import { useSession } from '../shared/layout.js';
import { href } from '../shared/router.js';
import { problemOf, useApi } from '../shared/useApi.js';
import type { ClientDetail } from './api.js';
import { PROFESSIONAL_ROLE } from './exchange.js';
import {
  cancelVaccination,
  checkActivityForm,
  checkCorrection,
  codeName,
  correctionValuesOf,
  correctVaccination,
  countVaccinations,
  currentMessage,
  deliveryPending,
  emptyActivityForm,
  FIELD_LIMIT,
  getCodeLists,
  getVaccinationStatus,
  listActivities,
  mapActivityErrors,
  mapCorrectionErrors,
  messageStateText,
  nextVaccinationRow,
  reasonLabel,
  recordActivity,
  rowField,
  statusRefusal,
  toActivityRequest,
  toCorrection,
  VACCINATION_FIELDS,
  validityOf,
  forecastOf,
  forecastNeedsAttention,
  forecastStatusLabel,
  seriesStatusLabel,
  vaccineGroupLabel,
  type Activity,
  type ActivityFormField,
  type ActivityFormValues,
  type CodeLists,
  type MessageState,
  type StatusRefusal,
  type Vaccination,
  type VaccinationFieldName,
  type VaccinationStatus,
  type VaccinationValues,
} from './vaccinations.js';

/** While a repair is about to go out, the list looks again this often, at most this many times. */
const PENDING_POLL_MS = 1500;
const PENDING_POLL_LIMIT = 20;

export function VaccinationSections({ client }: { client: ClientDetail }) {
  const { user } = useSession();
  const [version, setVersion] = useState(0);
  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  const codes = useApi((signal) => getCodeLists(signal), []);
  const activities = useApi((signal) => listActivities(client.id, signal), [client.id, version]);
  const canChange = user.role === PROFESSIONAL_ROLE;
  const ownUra = user.organisation.ura;

  // A repair after consent is delivered within seconds of the registration: look again until it is.
  const polls = useRef(0);
  const pending = activities.status === 'ok' && deliveryPending(activities.data.items);
  useEffect(() => {
    if (!pending) {
      polls.current = 0;
      return;
    }
    if (polls.current >= PENDING_POLL_LIMIT) return;
    const timer = setTimeout(() => {
      polls.current += 1;
      refresh();
    }, PENDING_POLL_MS);
    return () => clearTimeout(timer);
  }, [pending, version, refresh]);

  const items = activities.data?.items;
  return (
    <>
      <Section title="Vaccinaties" testId="vaccinations">
        <Paragraph className="rvp-muted">
          Contactmomenten met hun vaccinaties, nieuwste eerst, en per contactmoment wat het register (RVP)
          heeft ontvangen. Of een bericht met of zonder persoonsgegevens gaat, hangt af van de toestemming op
          het moment van verzenden.
        </Paragraph>
        {codes.status === 'error' ? <ProblemAlert problem={codes.problem} /> : null}
        {activities.status === 'error' ? <ProblemAlert problem={activities.problem} /> : null}
        {!items ? (
          activities.status === 'error' ? null : (
            <Paragraph role="status" className="rvp-muted">
              Vaccinaties laden…
            </Paragraph>
          )
        ) : items.length === 0 ? (
          <Paragraph data-testid="activities-none">Er zijn nog geen vaccinaties geregistreerd.</Paragraph>
        ) : (
          <div className="rvp-activities">
            {items.map((activity) => (
              <ActivityView
                key={activity.id}
                activity={activity}
                codes={codes.data}
                own={activity.originUra === ownUra}
                canChange={canChange}
                onChanged={refresh}
              />
            ))}
          </div>
        )}
        {items ? (
          <div className="rvp-button-group rvp-section--tight">
            <Button purpose="subtle" busy={activities.status === 'loading'} onClick={refresh}>
              Berichtstatus vernieuwen
            </Button>
          </div>
        ) : null}
      </Section>

      <Section title="Vaccinatie registreren">
        {canChange ? (
          codes.data ? (
            <VaccinationForm clientId={client.id} codes={codes.data} onRecorded={refresh} />
          ) : codes.status === 'error' ? null : (
            <Paragraph role="status" className="rvp-muted">
              Formulier laden…
            </Paragraph>
          )
        ) : (
          <Alert type="info">Alleen een JGZ-professional kan vaccinaties registreren en wijzigen.</Alert>
        )}
      </Section>

      <Section title="Vaccinatiestatus bij het register" testId="vaccination-status">
        <StatusQuery client={client} codes={codes.data} ownUra={ownUra} />
      </Section>
    </>
  );
}

// One contact moment ------------------------------------------------------------------------------------

type Change = { kind: 'correct' | 'cancel'; vaccinationId: string } | null;

function ActivityView({
  activity: listed,
  codes,
  own,
  canChange,
  onChanged,
}: {
  activity: Activity;
  codes: CodeLists | undefined;
  own: boolean;
  canChange: boolean;
  onChanged: () => void;
}) {
  const headingId = useId();
  const [change, setChange] = useState<Change>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // The service answers a correction or cancellation with the whole activity: shown at once, until the
  // reloaded list has caught up with it.
  const [updated, setUpdated] = useState<Activity | null>(null);
  const activity = updated && updated.version > listed.version ? updated : listed;
  const current = currentMessage(activity);
  const active = activity.vaccinations.filter((v) => v.status === 'active');
  const mayChange = canChange && own;
  const changing = change ? activity.vaccinations.find((v) => v.id === change.vaccinationId) : undefined;
  const date = formatDate(activity.activityDate);
  const vaccineOf = (v: Vaccination) => codeName(codes?.vaccineTypes, v.vaccineType);

  function done(result: Activity, message: string) {
    setUpdated(result);
    setChange(null);
    setNotice(message);
    onChanged();
  }

  return (
    <article
      className="rvp-activity"
      aria-labelledby={headingId}
      data-testid="activity"
      data-activity-id={activity.activityId}
    >
      <Heading level={3} id={headingId}>
        Contactmoment {date}: {codeName(codes?.activityTypes, activity.activityType)}
      </Heading>
      <p className="rvp-activity__meta">
        Activiteitnummer <span className="rvp-code">{activity.activityId}</span> · versie {activity.version} ·{' '}
        {countVaccinations(active.length)}
        {own ? '' : ` · uit het dossier van een andere organisatie (URA ${activity.originUra})`}
      </p>
      {notice ? <Alert type="ok">{notice}</Alert> : null}

      <Table data-testid="activity-vaccinations">
        <TableCaption className="rvp-visually-hidden">
          Vaccinaties van het contactmoment op {date}
        </TableCaption>
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Vaccin</TableHeaderCell>
            <TableHeaderCell>Datum</TableHeaderCell>
            <TableHeaderCell>Batchnummer</TableHeaderCell>
            <TableHeaderCell>Uitvoerende instantie</TableHeaderCell>
            <TableHeaderCell>Locatie</TableHeaderCell>
            <TableHeaderCell>Bezwaar</TableHeaderCell>
            <TableHeaderCell>Status</TableHeaderCell>
            {mayChange ? (
              <TableHeaderCell>
                <VisuallyHidden>Wijzigen</VisuallyHidden>
              </TableHeaderCell>
            ) : null}
          </TableRow>
        </TableHeader>
        <TableBody>
          {activity.vaccinations.map((vaccination) => {
            const cancelled = vaccination.status === 'cancelled';
            const what = `${vaccineOf(vaccination)} van ${formatDate(vaccination.date)}`;
            return (
              <TableRow
                key={vaccination.id}
                data-vaccination-id={vaccination.id}
                className={cancelled ? 'rvp-row--cancelled' : undefined}
              >
                <TableCell>{vaccineOf(vaccination)}</TableCell>
                <TableCell className="rvp-nowrap">{formatDate(vaccination.date)}</TableCell>
                <TableCell>{vaccination.batchNumber}</TableCell>
                <TableCell>{vaccination.performer}</TableCell>
                <TableCell>{vaccination.location}</TableCell>
                <TableCell>
                  {vaccination.objection ? (
                    codeName(codes?.objections, vaccination.objection)
                  ) : (
                    <span className="rvp-muted">geen</span>
                  )}
                </TableCell>
                <TableCell>
                  {cancelled ? <span className="rvp-badge rvp-badge--warning">geannuleerd</span> : 'actief'}
                </TableCell>
                {mayChange ? (
                  <TableCell>
                    {cancelled ? null : (
                      <div className="rvp-button-group rvp-button-group--compact">
                        <Button
                          purpose="secondary"
                          aria-expanded={
                            change?.kind === 'correct' && change.vaccinationId === vaccination.id
                          }
                          onClick={() => {
                            setNotice(null);
                            setChange({ kind: 'correct', vaccinationId: vaccination.id });
                          }}
                        >
                          Corrigeren<VisuallyHidden>: {what}</VisuallyHidden>
                        </Button>
                        <Button
                          purpose="subtle"
                          aria-expanded={change?.kind === 'cancel' && change.vaccinationId === vaccination.id}
                          onClick={() => {
                            setNotice(null);
                            setChange({ kind: 'cancel', vaccinationId: vaccination.id });
                          }}
                        >
                          Annuleren<VisuallyHidden>: {what}</VisuallyHidden>
                        </Button>
                      </div>
                    )}
                  </TableCell>
                ) : null}
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      {active.length === 0 ? (
        <Paragraph className="rvp-muted">
          Alle vaccinaties van dit contactmoment zijn geannuleerd; het register krijgt het contactmoment
          zonder vaccinaties.
        </Paragraph>
      ) : null}

      {changing && change?.kind === 'correct' && codes ? (
        <CorrectionForm
          key={changing.id}
          vaccination={changing}
          codes={codes}
          onSaved={(result) =>
            done(
              result,
              `Gecorrigeerd: ${vaccineOf(changing)} van ${formatDate(changing.date)}. ` +
                `Het register krijgt versie ${result.version} van het contactmoment bij de volgende verzending.`,
            )
          }
          onClose={() => setChange(null)}
        />
      ) : null}
      {changing && change?.kind === 'cancel' ? (
        <CancelConfirmation
          key={changing.id}
          vaccination={changing}
          what={`${vaccineOf(changing)} van ${formatDate(changing.date)}`}
          onCancelled={(result) =>
            done(
              result,
              `Geannuleerd: ${vaccineOf(changing)} van ${formatDate(changing.date)}. ` +
                `Het register krijgt versie ${result.version} van het contactmoment, zonder deze vaccinatie.`,
            )
          }
          onClose={() => setChange(null)}
        />
      ) : null}

      {current ? <MessageStateLine message={current} /> : null}
      {activity.messages.length > 1 ? <MessageHistory messages={activity.messages} /> : null}
    </article>
  );
}

function MessageStateLine({ message }: { message: MessageState }) {
  const { text, tone } = messageStateText(message);
  return (
    <div
      className={`rvp-message-state rvp-message-state--${tone}`}
      data-testid="message-state"
      data-state={message.state}
      data-kind={message.sentKind ?? ''}
      data-reason={message.reason}
    >
      <span className="rvp-message-state__label">
        Bericht aan het register (versie {message.version}, {reasonLabel(message.reason)})
      </span>
      <span className="rvp-message-state__text">{text}</span>
    </div>
  );
}

function MessageHistory({ messages }: { messages: MessageState[] }) {
  const sorted = [...messages].sort((a, b) => b.version - a.version);
  return (
    <details className="rvp-details" data-testid="message-history">
      <summary>Geschiedenis van de berichten ({sorted.length} versies)</summary>
      <Table>
        <TableCaption className="rvp-visually-hidden">Berichten aan het register per versie</TableCaption>
        <TableHeader>
          <TableRow>
            <TableHeaderCell numeric>Versie</TableHeaderCell>
            <TableHeaderCell>Aanleiding</TableHeaderCell>
            <TableHeaderCell>Toestand</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {sorted.map((message) => (
            <TableRow key={message.version} data-version={message.version}>
              <TableCell numeric>{message.version}</TableCell>
              <TableCell>{reasonLabel(message.reason)}</TableCell>
              <TableCell>{messageStateText(message).text}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </details>
  );
}

// The fields of one vaccination (registration and correction) ----------------------------------------------

function VaccinationFields({
  idOf,
  values,
  onChange,
  errorsOf,
  codes,
}: {
  idOf: (name: VaccinationFieldName) => string;
  values: VaccinationValues;
  onChange: (patch: Partial<VaccinationValues>) => void;
  errorsOf: (name: VaccinationFieldName) => string[] | undefined;
  codes: CodeLists;
}) {
  const text = (name: 'batchNumber' | 'performer' | 'location', label: string, description: string) => {
    const id = idOf(name);
    const errors = errorsOf(name);
    return (
      <FormField invalid={Boolean(errors)}>
        <FormLabel htmlFor={id}>{label}</FormLabel>
        <FormFieldDescription id={`${id}-description`}>{description}</FormFieldDescription>
        <ErrorText id={`${id}-error`} messages={errors} />
        <Textbox
          id={id}
          value={values[name]}
          maxLength={FIELD_LIMIT}
          autoComplete="off"
          invalid={Boolean(errors)}
          aria-describedby={describedBy(`${id}-description`, errors && `${id}-error`)}
          onChange={(event) => onChange({ [name]: event.target.value })}
        />
      </FormField>
    );
  };
  const vaccineErrors = errorsOf('vaccineType');
  const objectionErrors = errorsOf('objection');
  return (
    <div className="rvp-form-grid">
      <FormField invalid={Boolean(vaccineErrors)}>
        <FormLabel htmlFor={idOf('vaccineType')}>Vaccin</FormLabel>
        <FormFieldDescription id={`${idOf('vaccineType')}-description`}>
          Het gegeven vaccin (BDS 461).
        </FormFieldDescription>
        <ErrorText id={`${idOf('vaccineType')}-error`} messages={vaccineErrors} />
        <Select
          id={idOf('vaccineType')}
          value={values.vaccineType}
          invalid={Boolean(vaccineErrors)}
          aria-describedby={describedBy(
            `${idOf('vaccineType')}-description`,
            vaccineErrors && `${idOf('vaccineType')}-error`,
          )}
          onChange={(event) => onChange({ vaccineType: event.target.value })}
        >
          <option value="">Kies…</option>
          {codes.vaccineTypes.map((entry) => (
            <option key={entry.code} value={entry.code}>
              {entry.name}
            </option>
          ))}
        </Select>
      </FormField>
      <DateField
        id={idOf('date')}
        label="Datum vaccinatie"
        description="De dag waarop de vaccinatie is gegeven (BDS 1409)."
        value={values.date}
        onChange={(date) => onChange({ date })}
        errors={errorsOf('date')}
      />
      {text(
        'batchNumber',
        'Batchnummer',
        `Zoals op de verpakking (BDS 472), hoogstens ${FIELD_LIMIT} tekens.`,
      )}
      {text('performer', 'Uitvoerende instantie', 'De organisatie die de vaccinatie gaf (BDS 1336).')}
      {text(
        'location',
        'Locatie',
        'Waar de vaccinatie is gegeven, bijvoorbeeld het consultatiebureau (BDS 1452).',
      )}
      <FormField invalid={Boolean(objectionErrors)}>
        <FormLabel htmlFor={idOf('objection')}>Bezwaar (optioneel)</FormLabel>
        <FormFieldDescription id={`${idOf('objection')}-description`}>
          Alleen als er een bezwaar is vastgelegd (BDS 683). Gaat niet mee in een bericht zonder
          persoonsgegevens.
        </FormFieldDescription>
        <ErrorText id={`${idOf('objection')}-error`} messages={objectionErrors} />
        <Select
          id={idOf('objection')}
          value={values.objection}
          invalid={Boolean(objectionErrors)}
          aria-describedby={describedBy(
            `${idOf('objection')}-description`,
            objectionErrors && `${idOf('objection')}-error`,
          )}
          onChange={(event) => onChange({ objection: event.target.value })}
        >
          <option value="">Geen bezwaar vastgelegd</option>
          {codes.objections.map((entry) => (
            <option key={entry.code} value={entry.code}>
              {entry.name}
            </option>
          ))}
        </Select>
      </FormField>
    </div>
  );
}

// Recording a contact moment ---------------------------------------------------------------------------------

function VaccinationForm({
  clientId,
  codes,
  onRecorded,
}: {
  clientId: string;
  codes: CodeLists;
  onRecorded: () => void;
}) {
  const base = useId();
  const idOf = (field: ActivityFormField): string => `${base}-${field.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
  const nextKey = useRef(1);
  const [values, setValues] = useState<ActivityFormValues>(() => emptyActivityForm(0));
  const [errors, setErrors] = useState<FormErrors<ActivityFormField> | null>(null);
  const [busy, setBusy] = useState(false);
  const [success, setSuccess] = useState<string | null>(null);
  const fieldErrors = (field: ActivityFormField) => errors?.mapped.byField[field];
  const rows = values.vaccinations;

  const order: ActivityFormField[] = [
    'activityType',
    'activityDate',
    'vaccinations',
    ...rows.flatMap((_row, index) => VACCINATION_FIELDS.map((name) => rowField(index, name))),
  ];
  const labelOf = (field: ActivityFormField, message: string): string => {
    const index = /^vaccinations\[(\d+)\]/.exec(field)?.[1];
    return index !== undefined && rows.length > 1 ? `Vaccinatie ${Number(index) + 1}: ${message}` : message;
  };

  function setRow(index: number, patch: Partial<VaccinationValues>) {
    setValues((current) => ({
      ...current,
      vaccinations: current.vaccinations.map((row, i) => (i === index ? { ...row, ...patch } : row)),
    }));
  }

  function addRow() {
    setValues((current) => ({
      ...current,
      vaccinations: [
        ...current.vaccinations,
        nextVaccinationRow(current.vaccinations.at(-1), nextKey.current++),
      ],
    }));
    // Errors name rows by number; a new row keeps them valid. Focus the new row's first field.
    const index = rows.length;
    setTimeout(() => document.getElementById(idOf(rowField(index, 'vaccineType')))?.focus(), 0);
  }

  function removeRow(index: number) {
    setErrors(null); // the rows' numbers change
    setValues((current) => ({
      ...current,
      vaccinations: current.vaccinations.filter((_row, i) => i !== index),
    }));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setSuccess(null);
    const missing = checkActivityForm(values);
    if (missing.length > 0) {
      setErrors({ title: 'Het formulier is nog niet volledig ingevuld', mapped: mapActivityErrors(missing) });
      return;
    }
    setBusy(true);
    try {
      const activity = await recordActivity(clientId, toActivityRequest(values));
      setSuccess(
        `Opgeslagen: contactmoment van ${formatDate(activity.activityDate)} met ` +
          `${countVaccinations(activity.vaccinations.length)}. Het bericht aan het register gaat mee met de ` +
          'nachtelijke verzending.',
      );
      setErrors(null);
      setValues(emptyActivityForm(nextKey.current++));
      onRecorded();
    } catch (error) {
      setErrors(problemErrors(problemOf(error), mapActivityErrors));
    } finally {
      setBusy(false);
    }
  }

  const typeErrors = fieldErrors('activityType');
  return (
    <form
      className="rvp-form rvp-form--wide"
      noValidate
      onSubmit={(event) => void submit(event)}
      aria-label="Vaccinatie registreren"
    >
      <Paragraph>
        Leg het contactmoment vast met de vaccinaties die zijn gegeven. Het bericht aan het register gaat mee
        met de nachtelijke verzending. Velden zonder ‘optioneel’ zijn verplicht.
      </Paragraph>
      {success ? <Alert type="ok">{success}</Alert> : null}
      {errors ? (
        <ErrorSummary
          title={errors.title}
          errors={summaryOf(errors, order, idOf, labelOf)}
          attempt={errors}
        />
      ) : null}

      <div className="rvp-form-grid">
        <FormField invalid={Boolean(typeErrors)}>
          <FormLabel htmlFor={idOf('activityType')}>Soort contactmoment</FormLabel>
          <FormFieldDescription id={`${idOf('activityType')}-description`}>
            Het soort activiteit (BDS 494).
          </FormFieldDescription>
          <ErrorText id={`${idOf('activityType')}-error`} messages={typeErrors} />
          <Select
            id={idOf('activityType')}
            value={values.activityType}
            invalid={Boolean(typeErrors)}
            aria-describedby={describedBy(
              `${idOf('activityType')}-description`,
              typeErrors && `${idOf('activityType')}-error`,
            )}
            onChange={(event) => setValues((current) => ({ ...current, activityType: event.target.value }))}
          >
            <option value="">Kies…</option>
            {codes.activityTypes.map((entry) => (
              <option key={entry.code} value={entry.code}>
                {entry.name}
              </option>
            ))}
          </Select>
        </FormField>
        <DateField
          id={idOf('activityDate')}
          label="Datum contactmoment"
          description="De dag van het contactmoment (BDS 724)."
          value={values.activityDate}
          onChange={(activityDate) => setValues((current) => ({ ...current, activityDate }))}
          errors={fieldErrors('activityDate')}
        />
      </div>

      <div id={idOf('vaccinations')} tabIndex={-1} className="rvp-vaccination-rows">
        <ErrorText id={`${idOf('vaccinations')}-error`} messages={fieldErrors('vaccinations')} />
        {rows.map((row, index) => (
          <fieldset key={row.key} className="rvp-fieldset rvp-vaccination-row" data-testid="vaccination-row">
            <legend className="rvp-fieldset__legend">Vaccinatie {index + 1}</legend>
            <VaccinationFields
              idOf={(name) => idOf(rowField(index, name))}
              values={row}
              onChange={(patch) => setRow(index, patch)}
              errorsOf={(name) => fieldErrors(rowField(index, name))}
              codes={codes}
            />
            {rows.length > 1 ? (
              <div className="rvp-button-group">
                <Button type="button" purpose="subtle" onClick={() => removeRow(index)}>
                  Vaccinatie {index + 1} verwijderen
                </Button>
              </div>
            ) : null}
          </fieldset>
        ))}
      </div>
      <div className="rvp-button-group">
        <Button type="button" purpose="secondary" onClick={addRow} disabled={rows.length >= 20}>
          Nog een vaccinatie toevoegen
        </Button>
      </div>

      <div className="rvp-button-group">
        <Button type="submit" purpose="primary" busy={busy}>
          Vaccinatie opslaan
        </Button>
        <Button
          type="button"
          purpose="subtle"
          onClick={() => {
            setValues(emptyActivityForm(nextKey.current++));
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

// Correcting and cancelling ------------------------------------------------------------------------------------

function CorrectionForm({
  vaccination,
  codes,
  onSaved,
  onClose,
}: {
  vaccination: Vaccination;
  codes: CodeLists;
  onSaved: (activity: Activity) => void;
  onClose: () => void;
}) {
  const base = useId();
  const idOf = (name: VaccinationFieldName): string => `${base}-${name}`;
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [values, setValues] = useState<VaccinationValues>(() => correctionValuesOf(vaccination));
  const [errors, setErrors] = useState<FormErrors<VaccinationFieldName> | null>(null);
  const [busy, setBusy] = useState(false);
  const vaccine = codeName(codes.vaccineTypes, vaccination.vaccineType);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const missing = checkCorrection(values);
    if (missing.length > 0) {
      setErrors({
        title: 'De correctie is nog niet volledig ingevuld',
        mapped: mapCorrectionErrors(missing),
      });
      return;
    }
    const correction = toCorrection(vaccination, values);
    if (Object.keys(correction).length === 0) {
      setErrors({
        title: 'Er is niets gewijzigd',
        mapped: {
          byField: {},
          other: ['Wijzig eerst een of meer gegevens, of kies ‘Terug zonder opslaan’.'],
        },
      });
      return;
    }
    setBusy(true);
    try {
      onSaved(await correctVaccination(vaccination.id, correction));
    } catch (error) {
      setErrors(problemErrors(problemOf(error), mapCorrectionErrors));
      setBusy(false);
    }
  }

  return (
    <form
      className="rvp-form rvp-form--wide rvp-panel"
      noValidate
      onSubmit={(event) => void submit(event)}
      aria-label="Vaccinatie corrigeren"
      data-testid="correction-form"
    >
      <Heading level={4} ref={headingRef} tabIndex={-1}>
        Vaccinatie corrigeren: {vaccine} van {formatDate(vaccination.date)}
      </Heading>
      <Paragraph>
        Het register krijgt een nieuwe versie van het hele contactmoment, die de vorige vervangt. De
        oorspronkelijke gegevens blijven in de geschiedenis van de berichten.
      </Paragraph>
      {errors ? (
        <ErrorSummary
          title={errors.title}
          errors={summaryOf(errors, VACCINATION_FIELDS, idOf)}
          attempt={errors}
        />
      ) : null}
      <VaccinationFields
        idOf={idOf}
        values={values}
        onChange={(patch) => setValues((current) => ({ ...current, ...patch }))}
        errorsOf={(name) => errors?.mapped.byField[name]}
        codes={codes}
      />
      <div className="rvp-button-group">
        <Button type="submit" purpose="primary" busy={busy}>
          Correctie opslaan
        </Button>
        <Button type="button" purpose="secondary" onClick={onClose}>
          Terug zonder opslaan
        </Button>
      </div>
    </form>
  );
}

function CancelConfirmation({
  vaccination,
  what,
  onCancelled,
  onClose,
}: {
  vaccination: Vaccination;
  what: string;
  onCancelled: (activity: Activity) => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const questionId = useId();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  useEffect(() => {
    ref.current?.focus();
  }, []);

  async function confirm() {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    try {
      onCancelled(await cancelVaccination(vaccination.id));
    } catch (error) {
      setProblem(problemOf(error));
      setBusy(false);
    }
  }

  return (
    <div
      ref={ref}
      tabIndex={-1}
      role="group"
      aria-labelledby={questionId}
      className="rvp-panel rvp-panel--warning"
      data-testid="cancel-confirmation"
    >
      <p id={questionId} className="rvp-panel__title">
        Vaccinatie {what} annuleren?
      </p>
      <Paragraph>
        De vaccinatie blijft in het dossier zichtbaar als geannuleerd. Het register krijgt een nieuwe versie
        van het contactmoment zonder deze vaccinatie. Annuleren kan niet ongedaan worden gemaakt; registreer
        de vaccinatie zo nodig opnieuw.
      </Paragraph>
      {problem ? <ProblemAlert problem={problem} /> : null}
      <div className="rvp-button-group">
        <Button purpose="primary" hint="negative" busy={busy} onClick={() => void confirm()}>
          Ja, vaccinatie annuleren
        </Button>
        <Button purpose="secondary" onClick={onClose}>
          Nee, niet annuleren
        </Button>
      </div>
    </div>
  );
}

// The status query (R-V7, R-C6) --------------------------------------------------------------------------------

type StatusState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ok'; data: VaccinationStatus; at: string }
  | { status: 'refused'; refusal: StatusRefusal };

function StatusQuery({
  client,
  codes,
  ownUra,
}: {
  client: ClientDetail;
  codes: CodeLists | undefined;
  ownUra: string | null;
}) {
  const [state, setState] = useState<StatusState>({ status: 'idle' });
  const name = formatName(client);

  async function ask() {
    if (state.status === 'loading') return;
    setState({ status: 'loading' });
    try {
      const data = await getVaccinationStatus(client.id);
      setState({ status: 'ok', data, at: new Date().toISOString() });
    } catch (error) {
      setState({ status: 'refused', refusal: statusRefusal(problemOf(error)) });
    }
  }

  return (
    <>
      <Paragraph>
        Vraag het register (RVP) naar alle vaccinaties van {name}, ook die van andere organisaties. Dat mag
        alleen met toestemming voor gegevensuitwisseling (R-C6). De vraag wordt vastgelegd.
      </Paragraph>
      <div className="rvp-button-group rvp-actions">
        <Button purpose="secondary" busy={state.status === 'loading'} onClick={() => void ask()}>
          Vaccinatiestatus opvragen bij het register
        </Button>
      </div>
      <div aria-live="polite" className="rvp-section--tight">
        {state.status === 'loading' ? (
          <Paragraph className="rvp-muted">Het register wordt gevraagd…</Paragraph>
        ) : state.status === 'refused' ? (
          <StatusRefusalView refusal={state.refusal} clientId={client.id} />
        ) : state.status === 'ok' ? (
          <StatusAnswer status={state.data} at={state.at} codes={codes} ownUra={ownUra} />
        ) : null}
      </div>
    </>
  );
}

function StatusRefusalView({ refusal, clientId }: { refusal: StatusRefusal; clientId: string }) {
  return (
    <div data-testid="status-refusal" data-rule={refusal.rule ?? ''}>
      <Alert type={refusal.kind === 'unreachable' ? 'error' : 'warning'}>
        <strong>{refusal.title}</strong> <span>{refusal.explanation}</span>
        {refusal.detail ? <span> Het register meldt: {refusal.detail}</span> : null}
      </Alert>
      {refusal.kind === 'no-consent' ? (
        <Paragraph>
          <Link href={href(`/clients/${encodeURIComponent(clientId)}/consent`)}>
            Naar de toestemming gegevensuitwisseling
          </Link>
        </Paragraph>
      ) : null}
    </div>
  );
}

function StatusAnswer({
  status,
  at,
  codes,
  ownUra,
}: {
  status: VaccinationStatus;
  at: string;
  codes: CodeLists | undefined;
  ownUra: string | null;
}) {
  const rows = status.vaccinations.map((vaccination) => ({ vaccination, validity: validityOf(vaccination) }));
  const withValidity = rows.some((row) => row.validity);
  const forecast = forecastOf(status);
  const assessed =
    typeof status.assessmentDate === 'string' ? ` Beoordeeld op ${formatDate(status.assessmentDate)}` : '';
  const schedule = typeof status.schedule === 'string' ? ` volgens het schema ${status.schedule}` : '';
  return (
    <div data-testid="status-answer" className="rvp-stack-tables">
      {rows.length === 0 ? (
        <Paragraph data-testid="status-none">
          Het register kent geen vaccinaties van deze cliënt (opgevraagd op {formatDateTime(at)}).
        </Paragraph>
      ) : (
        <Table data-testid="status-table">
          <TableCaption>
            Vaccinaties volgens het register
            <span className="rvp-caption__meta">
              Opgevraagd op {formatDateTime(at)}; {countVaccinations(rows.length)}, van alle organisaties.
              {assessed ? `${assessed}${schedule}.` : ''}
            </span>
          </TableCaption>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Vaccin</TableHeaderCell>
              <TableHeaderCell>Datum</TableHeaderCell>
              <TableHeaderCell>Batchnummer</TableHeaderCell>
              <TableHeaderCell>Uitvoerende instantie</TableHeaderCell>
              <TableHeaderCell>Locatie</TableHeaderCell>
              <TableHeaderCell>Geregistreerd door</TableHeaderCell>
              {withValidity ? <TableHeaderCell>Beoordeling register</TableHeaderCell> : null}
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.map(({ vaccination, validity }, index) => (
              <TableRow key={`${vaccination.organisationUra}:${vaccination.activityId}:${index}`}>
                <TableCell>{codeName(codes?.vaccineTypes, vaccination.vaccineType)}</TableCell>
                <TableCell className="rvp-nowrap">{formatDate(vaccination.date)}</TableCell>
                <TableCell>{vaccination.batchNumber}</TableCell>
                <TableCell>{vaccination.performer}</TableCell>
                <TableCell>{vaccination.location}</TableCell>
                <TableCell>
                  {vaccination.organisationUra === ownUra ? 'deze organisatie' : 'andere organisatie'}
                  <span className="rvp-cell-meta">URA {vaccination.organisationUra}</span>
                </TableCell>
                {withValidity ? (
                  <TableCell data-testid="validity">
                    {validity ? (
                      <>
                        {validity.label}
                        {validity.reason ? <span className="rvp-cell-meta">{validity.reason}</span> : null}
                      </>
                    ) : (
                      <span className="rvp-muted">—</span>
                    )}
                  </TableCell>
                ) : null}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {forecast.length > 0 ? (
        <Table data-testid="forecast-table">
          <TableCaption>
            Wat volgens het register nog nodig is
            <span className="rvp-caption__meta">
              Per vaccingroep: de stand van de reeks en de volgende dosis.
              {assessed ? `${assessed}${schedule}.` : ''}
            </span>
          </TableCaption>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Vaccingroep</TableHeaderCell>
              <TableHeaderCell>Reeks</TableHeaderCell>
              <TableHeaderCell>Volgende dosis</TableHeaderCell>
              <TableHeaderCell>Vanaf</TableHeaderCell>
              <TableHeaderCell>Aanbevolen op</TableHeaderCell>
              <TableHeaderCell>Te laat na</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {forecast.map((group) => (
              <TableRow key={group.vaccineGroup}>
                <TableCell>
                  {vaccineGroupLabel(group.vaccineGroup)}
                  {group.vaccines && group.vaccines.length > 0 ? (
                    <span className="rvp-cell-meta">{group.vaccines.map((v) => v.name).join(', ')}</span>
                  ) : null}
                </TableCell>
                <TableCell>{seriesStatusLabel(group.seriesStatus)}</TableCell>
                <TableCell>
                  {forecastNeedsAttention(group.status) ? (
                    <strong className="rvp-badge rvp-badge--warning">
                      {forecastStatusLabel(group.status)}
                    </strong>
                  ) : (
                    forecastStatusLabel(group.status)
                  )}
                  {group.doseNumber !== null ? (
                    <span className="rvp-cell-meta">dosis {group.doseNumber}</span>
                  ) : null}
                </TableCell>
                <TableCell className="rvp-nowrap">{formatDate(group.earliest)}</TableCell>
                <TableCell className="rvp-nowrap">{formatDate(group.recommended)}</TableCell>
                <TableCell className="rvp-nowrap">{formatDate(group.pastDue)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : null}
    </div>
  );
}

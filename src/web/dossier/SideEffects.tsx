/**
 * The client page's side-effect section: reported reactions after a vaccination, a form for the
 * professional, and the Lareb export of a period (docs/side-effects.md). Refusals are the server's,
 * shown at the field they name.
 */
import { useState, type FormEvent } from 'react';
import {
  Alert,
  Button,
  ErrorSummary,
  FormField,
  FormLabel,
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
  Textarea,
} from '../shared/components.js';
import { DateField, ErrorText, problemErrors, summaryOf, type FormErrors } from '../shared/form.js';
import { mapFieldErrors } from '../shared/form-errors.js';
import { formatDate, todayIso } from '../shared/format.js';
import { useSession } from '../shared/layout.js';
import { problemOf, useApi } from '../shared/useApi.js';
import type { ClientDetail } from './api.js';
import {
  EXPORT_ROLES,
  getSideEffectCodes,
  larebExportUrl,
  listSideEffects,
  namesOf,
  recordSideEffect,
  SIDE_EFFECT_ROLE,
  type NewSideEffect,
} from './side-effects.js';
import { listActivities } from './vaccinations.js';

const FIELDS = [
  'vaccinationId',
  'reporter',
  'onsetDate',
  'reportedOn',
  'reactions',
  'seriousness',
  'outcome',
  'description',
] as const;
type Field = (typeof FIELDS)[number];
/** `body.onsetDate` → `onsetDate`; errors on other paths go to the summary only. */
const fieldOf = (path: string): Field | undefined =>
  FIELDS.find((f) => path === `body.${f}` || path.startsWith(`body.${f}[`) || path.startsWith(`body.${f}.`));

export function SideEffectSection({ client }: { client: ClientDetail }) {
  const { user } = useSession();
  const [version, setVersion] = useState(0);
  const codes = useApi((signal) => getSideEffectCodes(signal), []);
  const reports = useApi((signal) => listSideEffects(client.id, signal), [client.id, version]);
  return (
    <Section title="Bijwerkingen" testId="side-effects-section">
      {reports.status === 'error' ? <ProblemAlert problem={reports.problem} /> : null}
      {reports.data && reports.data.items.length === 0 ? (
        <Paragraph>Er zijn geen bijwerkingen gemeld.</Paragraph>
      ) : null}
      {reports.data && reports.data.items.length > 0 ? (
        <Table data-testid="side-effects">
          <TableCaption>Gemelde bijwerkingen</TableCaption>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Gemeld op</TableHeaderCell>
              <TableHeaderCell>Vaccinatie</TableHeaderCell>
              <TableHeaderCell>Reactie</TableHeaderCell>
              <TableHeaderCell>Ernst</TableHeaderCell>
              <TableHeaderCell>Afloop</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {reports.data.items.map((r) => (
              <TableRow key={r.id}>
                <TableCell>{formatDate(r.reportedOn)}</TableCell>
                <TableCell>
                  {formatDate(r.vaccinationDate)} (partij {r.batchNumber})
                </TableCell>
                <TableCell>{namesOf(codes.data?.reactions, r.reactions)}</TableCell>
                <TableCell>
                  {r.serious ? `ernstig: ${namesOf(codes.data?.seriousness, r.seriousness)}` : 'niet ernstig'}
                </TableCell>
                <TableCell>{namesOf(codes.data?.outcomes, [r.outcome])}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : null}
      {user.role === SIDE_EFFECT_ROLE && codes.data ? (
        <SideEffectForm client={client} codes={codes.data} onSaved={() => setVersion((v) => v + 1)} />
      ) : null}
      {EXPORT_ROLES.includes(user.role) ? <LarebExportLink /> : null}
    </Section>
  );
}

function LarebExportLink() {
  const today = todayIso();
  const from = `${today.slice(0, 4)}-01-01`;
  return (
    <Paragraph>
      <Link href={larebExportUrl(from, today)} download>
        Meldingen van dit jaar downloaden voor Lareb (JSON)
      </Link>
    </Paragraph>
  );
}

function SideEffectForm({
  client,
  codes,
  onSaved,
}: {
  client: ClientDetail;
  codes: NonNullable<ReturnType<typeof getSideEffectCodes> extends Promise<infer T> ? T : never>;
  onSaved: () => void;
}) {
  const activities = useApi((signal) => listActivities(client.id, signal), [client.id]);
  const vaccinations = (activities.data?.items ?? []).flatMap((a) =>
    a.vaccinations.filter((v) => v.status === 'active').map((v) => ({ ...v, activityDate: a.activityDate })),
  );
  const empty: NewSideEffect = {
    vaccinationId: '',
    reportedOn: todayIso(),
    reporter: 'custodian',
    onsetDate: '',
    reactions: [],
    description: '',
    seriousness: [],
    outcome: 'recovering',
  };
  const [form, setForm] = useState<NewSideEffect>(empty);
  const [errors, setErrors] = useState<FormErrors<Field> | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof NewSideEffect>(key: K, value: NewSideEffect[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const toggle = (key: 'reactions' | 'seriousness', code: string) =>
    setForm((f) => ({
      ...f,
      [key]: f[key].includes(code) ? f[key].filter((c) => c !== code) : [...f[key], code],
    }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setSaved(false);
    try {
      await recordSideEffect(client.id, {
        ...form,
        vaccinationId: form.vaccinationId || (vaccinations[0]?.id ?? ''),
      });
      setForm(empty);
      setErrors(null);
      setSaved(true);
      onSaved();
    } catch (error) {
      setErrors(problemErrors<Field>(problemOf(error), (list) => mapFieldErrors(list, fieldOf)));
    } finally {
      setBusy(false);
    }
  };
  if (vaccinations.length === 0) {
    return (
      <Paragraph className="rvp-muted">
        Een bijwerking wordt bij een geregistreerde vaccinatie vastgelegd.
      </Paragraph>
    );
  }
  const fieldErrors: Partial<Record<Field, string[]>> = errors?.mapped.byField ?? {};
  return (
    <form onSubmit={submit} noValidate aria-label="Bijwerking registreren" data-testid="side-effect-form">
      {errors ? (
        <ErrorSummary
          title={errors.title}
          errors={summaryOf(errors, FIELDS, (f) => `side-effect-${f}`)}
          attempt={errors}
        />
      ) : null}
      {saved ? <Alert type="ok">De bijwerking is geregistreerd.</Alert> : null}
      <FormField invalid={Boolean(fieldErrors.vaccinationId)}>
        <FormLabel htmlFor="side-effect-vaccinationId">Vaccinatie</FormLabel>
        <ErrorText id="side-effect-vaccinationId-error" messages={fieldErrors.vaccinationId} />
        <Select
          id="side-effect-vaccinationId"
          value={form.vaccinationId}
          onChange={(e) => set('vaccinationId', e.target.value)}
        >
          {vaccinations.map((v) => (
            <option key={v.id} value={v.id}>
              {formatDate(v.date)} — partij {v.batchNumber}
            </option>
          ))}
        </Select>
      </FormField>
      <FormField>
        <FormLabel htmlFor="side-effect-reporter">Gemeld door</FormLabel>
        <Select
          id="side-effect-reporter"
          value={form.reporter}
          onChange={(e) => set('reporter', e.target.value)}
        >
          {codes.reporters.map((r) => (
            <option key={r.code} value={r.code}>
              {r.name}
            </option>
          ))}
        </Select>
      </FormField>
      <DateField
        id="side-effect-onsetDate"
        label="Begin van de klachten"
        value={form.onsetDate}
        onChange={(v) => set('onsetDate', v)}
        errors={fieldErrors.onsetDate}
      />
      <DateField
        id="side-effect-reportedOn"
        label="Datum van de melding"
        value={form.reportedOn}
        onChange={(v) => set('reportedOn', v)}
        errors={fieldErrors.reportedOn}
      />
      <fieldset className="utrecht-form-fieldset" id="side-effect-reactions">
        <legend className="utrecht-form-fieldset__legend">Reactie(s)</legend>
        <ErrorText id="side-effect-reactions-error" messages={fieldErrors.reactions} />
        {codes.reactions.map((r) => (
          <label key={r.code} className="rvp-checkbox">
            <input
              type="checkbox"
              checked={form.reactions.includes(r.code)}
              onChange={() => toggle('reactions', r.code)}
            />{' '}
            {r.name}
          </label>
        ))}
      </fieldset>
      <fieldset className="utrecht-form-fieldset" id="side-effect-seriousness">
        <legend className="utrecht-form-fieldset__legend">Ernstig? Kies wat van toepassing is</legend>
        <ErrorText id="side-effect-seriousness-error" messages={fieldErrors.seriousness} />
        {codes.seriousness.map((s) => (
          <label key={s.code} className="rvp-checkbox">
            <input
              type="checkbox"
              checked={form.seriousness.includes(s.code)}
              onChange={() => toggle('seriousness', s.code)}
            />{' '}
            {s.name}
          </label>
        ))}
      </fieldset>
      <FormField>
        <FormLabel htmlFor="side-effect-outcome">Afloop</FormLabel>
        <Select
          id="side-effect-outcome"
          value={form.outcome}
          onChange={(e) => set('outcome', e.target.value)}
        >
          {codes.outcomes.map((o) => (
            <option key={o.code} value={o.code}>
              {o.name}
            </option>
          ))}
        </Select>
      </FormField>
      <FormField invalid={Boolean(fieldErrors.description)}>
        <FormLabel htmlFor="side-effect-description">Beschrijving</FormLabel>
        <ErrorText id="side-effect-description-error" messages={fieldErrors.description} />
        <Textarea
          id="side-effect-description"
          value={form.description}
          onChange={(e) => set('description', e.target.value)}
        />
      </FormField>
      <Button type="submit" purpose="primary" busy={busy}>
        Bijwerking registreren
      </Button>
    </form>
  );
}

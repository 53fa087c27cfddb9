/**
 * "Rapportages" (R-R7, SPEC §9; seed 002 art. 6, annex B 18–19): the February report per municipality
 * and organisation, the July national coverage, the 30 April municipality report with the organisation's
 * explanation, valid vaccinations per half-year, budget against actual, and the consultation items.
 * Municipality officers see their own municipality's aggregates only (the service enforces it).
 */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
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
  Textarea,
  Textbox,
} from '../shared/components.js';
import type { Problem } from '../shared/api.js';
import { formatDate, formatNumber } from '../shared/format.js';
import { useDocumentTitle, useSession } from '../shared/layout.js';
import { problemOf, useApi } from '../shared/useApi.js';
import { formatPercent, SUPPRESSION_TEXT } from './coverage.js';
import {
  CONSULTATION_KIND,
  formatEuro,
  getApril,
  getBudget,
  getFebruary,
  getHalfYear,
  getJuly,
  listConsultations,
  NATIONAL_ROLES,
  openSignals,
  putExplanation,
  REPORT_MANAGE_ROLES,
  reportDownload,
  totalsPerOrganisation,
  type VaccinationCountRow,
} from './reports.js';
import { vaccineName } from './supply.js';

function Downloads({
  path,
  query,
  testId,
}: {
  path: string;
  query: Record<string, string | number>;
  testId: string;
}) {
  return (
    <Paragraph data-testid={testId}>
      Downloaden: <Link href={reportDownload(path, query, 'pdf')}>PDF</Link> ·{' '}
      <Link href={reportDownload(path, query, 'csv')}>CSV</Link>
    </Paragraph>
  );
}

const anonymous = (n: number | null) => (n === null ? 'te klein' : formatNumber(n));

export function Reports() {
  const documentTitle = useDocumentTitle('Rapportages');
  const { user } = useSession();
  const national = NATIONAL_ROLES.includes(user.role);
  const manage = REPORT_MANAGE_ROLES.includes(user.role);
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState(thisYear - 1);
  const yearId = useId();
  return (
    <>
      <PageTitle documentTitle={documentTitle}>Rapportages</PageTitle>
      <Paragraph>
        Rapportages voor organisaties, gemeenten en het RIVM: geldige vaccinaties, vaccinatiegraad,
        vaccinverlies en budget. Aantallen onder de 10 worden niet getoond.
        {national ? null : ' U ziet alleen de cijfers van uw eigen gemeente.'}
      </Paragraph>
      <form className="rvp-toolbar" aria-label="Rapportagejaar" onSubmit={(e) => e.preventDefault()}>
        <FormField>
          <FormLabel htmlFor={yearId}>Jaar</FormLabel>
          <Select id={yearId} value={year} onChange={(e) => setYear(Number(e.target.value))}>
            {[1, 2, 3, 4].map((d) => (
              <option key={d} value={thisYear - d}>
                {thisYear - d}
              </option>
            ))}
          </Select>
        </FormField>
      </form>
      <FebruarySection year={year} />
      {national ? <JulySection year={year + 1} /> : null}
      <AprilSection
        year={year}
        municipality={national ? null : (user.municipalityCode ?? '')}
        manage={manage}
      />
      {national ? <HalfYearSection year={year} /> : null}
      <BudgetSection year={year} />
      <ConsultationSection manage={manage} />
    </>
  );
}

function Loading({ status, problem, children }: { status: string; problem?: Problem; children: ReactNode }) {
  if (status === 'error' && problem) return <ProblemAlert problem={problem} />;
  if (status === 'loading')
    return (
      <Paragraph role="status" className="rvp-muted">
        Bezig met laden…
      </Paragraph>
    );
  return <>{children}</>;
}

function CountsTable({ rows, byMunicipality }: { rows: VaccinationCountRow[]; byMunicipality: boolean }) {
  return (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Organisatie</TableHeaderCell>
          {byMunicipality ? <TableHeaderCell>Gemeente</TableHeaderCell> : null}
          <TableHeaderCell>Vaccin</TableHeaderCell>
          <TableHeaderCell numeric>Geldig</TableHeaderCell>
          <TableHeaderCell numeric>Niet geldig</TableHeaderCell>
          <TableHeaderCell numeric>Anoniem</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((r) => (
          <TableRow key={`${r.organisationUra}-${r.municipalityCode ?? 'anon'}-${r.vaccineType}`}>
            <TableCell>{r.organisationName}</TableCell>
            {byMunicipality ? <TableCell>{r.municipalityName ?? 'onbekend (anoniem)'}</TableCell> : null}
            <TableCell>{r.vaccine}</TableCell>
            <TableCell numeric>{formatNumber(r.valid)}</TableCell>
            <TableCell numeric>{formatNumber(r.notValid)}</TableCell>
            <TableCell numeric>{anonymous(r.anonymous)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function FebruarySection({ year }: { year: number }) {
  const report = useApi((signal) => getFebruary(year, signal), [year]);
  return (
    <Section title={`Februari: vaccinaties per gemeente en organisatie (${year})`} testId="february">
      <Downloads path="february" query={{ year }} testId="february-downloads" />
      <Loading status={report.status} {...(report.status === 'error' ? { problem: report.problem } : {})}>
        {report.data ? <CountsTable rows={report.data.rows} byMunicipality /> : null}
      </Loading>
    </Section>
  );
}

function JulySection({ year }: { year: number }) {
  const report = useApi((signal) => getJuly(year, signal), [year]);
  const label = (code: string) => report.data?.indicators.find((i) => i.code === code)?.label ?? code;
  return (
    <Section title={`Juli: landelijke vaccinatiegraad (peildatum 1 januari ${year})`} testId="july">
      <Downloads path="july" query={{ year }} testId="july-downloads" />
      <Loading status={report.status} {...(report.status === 'error' ? { problem: report.problem } : {})}>
        {report.data ? (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Indicator</TableHeaderCell>
                <TableHeaderCell>Cohort</TableHeaderCell>
                <TableHeaderCell numeric>Kinderen</TableHeaderCell>
                <TableHeaderCell numeric>Vaccinatiegraad</TableHeaderCell>
                <TableHeaderCell numeric>Schatting incl. anoniem</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {report.data.cells.map((c) => (
                <TableRow key={`${c.indicator}-${c.cohort}`} data-testid="july-row">
                  <TableCell>{label(c.indicator)}</TableCell>
                  <TableCell>{c.cohort}</TableCell>
                  <TableCell numeric>
                    {c.population === null ? SUPPRESSION_TEXT[c.suppression] : formatNumber(c.population)}
                  </TableCell>
                  <TableCell numeric>{formatPercent(c.coverage)}</TableCell>
                  <TableCell numeric>{formatPercent(c.estimatedCoverage)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ) : null}
      </Loading>
    </Section>
  );
}

function AprilSection({
  year,
  municipality,
  manage,
}: {
  year: number;
  municipality: string | null;
  manage: boolean;
}) {
  const codeId = useId();
  const [code, setCode] = useState(municipality ?? 'GM0344');
  const [version, setVersion] = useState(0);
  const valid = /^GM\d{4}$/.test(code);
  const report = useApi(
    (signal) => (valid ? getApril(year, code, signal) : Promise.resolve(null)),
    [year, code, version],
  );
  const r = report.data;
  return (
    <Section title={`30 april: jaarrapportage gemeente over ${year}`} testId="april">
      <Paragraph>
        Vaccinatiegraad van vorig jaar en het vaccinverlies van de uitvoerende organisatie, met haar
        toelichting (Overeenkomst art. 6.2b).
      </Paragraph>
      {municipality === null ? (
        <FormField>
          <FormLabel htmlFor={codeId}>Gemeente (CBS-code)</FormLabel>
          <Textbox id={codeId} value={code} onChange={(e) => setCode(e.target.value.toUpperCase())} />
        </FormField>
      ) : null}
      {valid ? (
        <Downloads path="april" query={{ year, municipality: code }} testId="april-downloads" />
      ) : null}
      <Loading status={report.status} {...(report.status === 'error' ? { problem: report.problem } : {})}>
        {r ? (
          <>
            <Paragraph>
              <strong>{r.municipality.name}</strong> ({r.municipality.code}), organisatie{' '}
              {r.municipality.organisationUra ?? 'onbekend'}.
            </Paragraph>
            <Table>
              <TableCaption>Vaccinatiegraad</TableCaption>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Indicator</TableHeaderCell>
                  <TableHeaderCell>Cohort</TableHeaderCell>
                  <TableHeaderCell numeric>Kinderen</TableHeaderCell>
                  <TableHeaderCell numeric>Vaccinatiegraad</TableHeaderCell>
                  <TableHeaderCell numeric>Schatting incl. anoniem</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {r.coverage.map((c) => (
                  <TableRow
                    key={`${c.level}-${c.code}-${c.indicator}-${c.cohort}`}
                    data-testid="april-coverage"
                  >
                    <TableCell>
                      {r.indicators.find((i) => i.code === c.indicator)?.label ?? c.indicator}
                    </TableCell>
                    <TableCell>{c.cohort}</TableCell>
                    <TableCell numeric>
                      {c.population === null ? SUPPRESSION_TEXT[c.suppression] : formatNumber(c.population)}
                    </TableCell>
                    <TableCell numeric>{formatPercent(c.coverage)}</TableCell>
                    <TableCell numeric>{formatPercent(c.estimatedCoverage)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {r.loss ? (
              <Table>
                <TableCaption>Vaccinverlies van de organisatie</TableCaption>
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell>Vaccin</TableHeaderCell>
                    <TableHeaderCell numeric>Verbruik D</TableHeaderCell>
                    <TableHeaderCell numeric>Toegediend E</TableHeaderCell>
                    <TableHeaderCell numeric>Verlies</TableHeaderCell>
                    <TableHeaderCell numeric>% van D</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {r.loss.vaccines.map((v) => (
                    <TableRow key={v.vaccineType}>
                      <TableCell>{vaccineName(v.vaccineType)}</TableCell>
                      <TableCell numeric>{formatNumber(v.administrativeUse)}</TableCell>
                      <TableCell numeric>{formatNumber(v.accountedUse)}</TableCell>
                      <TableCell numeric>{formatNumber(v.loss)}</TableCell>
                      <TableCell numeric>
                        {v.lossPercent === null ? '–' : `${v.lossPercent.toLocaleString('nl-NL')}%`}
                        {v.flagged ? ' (boven 1%)' : ''}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            ) : null}
            <Section title="Toelichting van de organisatie" level={3}>
              <Paragraph data-testid="april-explanation">{r.explanation ?? 'Nog niet ontvangen.'}</Paragraph>
              {manage && r.municipality.organisationUra ? (
                <ExplanationForm
                  ura={r.municipality.organisationUra}
                  year={year}
                  initial={r.explanation ?? ''}
                  onSaved={() => setVersion((v) => v + 1)}
                />
              ) : null}
            </Section>
            {r.budget ? (
              <Paragraph>
                Budget {formatEuro(r.budget.budget)}; nodig voor {formatNumber(r.budget.validVaccinations)}{' '}
                geldige vaccinaties {formatEuro(r.budget.needed)}; naar de egalisatiereserve{' '}
                {formatEuro(r.budget.toEqualisationReserve)}.
              </Paragraph>
            ) : null}
          </>
        ) : null}
      </Loading>
    </Section>
  );
}

function ExplanationForm({
  ura,
  year,
  initial,
  onSaved,
}: {
  ura: string;
  year: number;
  initial: string;
  onSaved: () => void;
}) {
  const id = useId();
  const [text, setText] = useState(initial);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await putExplanation(ura, year, text);
      onSaved();
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form aria-label="Toelichting vastleggen" onSubmit={(e) => void submit(e)}>
      {problem ? <ProblemAlert problem={problem} /> : null}
      <FormField>
        <FormLabel htmlFor={id}>Toelichting (ontvangen van de organisatie)</FormLabel>
        <Textarea id={id} rows={3} value={text} onChange={(e) => setText(e.target.value)} />
      </FormField>
      <Button type="submit" purpose="secondary" busy={busy}>
        Toelichting opslaan
      </Button>
    </form>
  );
}

function HalfYearSection({ year }: { year: number }) {
  const [half, setHalf] = useState<1 | 2>(2);
  const id = useId();
  const report = useApi((signal) => getHalfYear(year, half, signal), [year, half]);
  const totals = report.data ? totalsPerOrganisation(report.data.rows) : [];
  return (
    <Section title="Geldige vaccinaties per organisatie per halfjaar" testId="half-year">
      <FormField>
        <FormLabel htmlFor={id}>Halfjaar</FormLabel>
        <Select id={id} value={half} onChange={(e) => setHalf(Number(e.target.value) === 1 ? 1 : 2)}>
          <option value={1}>1e halfjaar {year}</option>
          <option value={2}>2e halfjaar {year}</option>
        </Select>
      </FormField>
      <Downloads path="half-year" query={{ year, half }} testId="half-year-downloads" />
      <Loading status={report.status} {...(report.status === 'error' ? { problem: report.problem } : {})}>
        <Table>
          <TableCaption>
            {report.data ? `${formatDate(report.data.from)} t/m ${formatDate(report.data.to)}` : ''}
          </TableCaption>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Organisatie</TableHeaderCell>
              <TableHeaderCell numeric>Geldig</TableHeaderCell>
              <TableHeaderCell numeric>Niet geldig</TableHeaderCell>
              <TableHeaderCell numeric>Anoniem (boven de drempel)</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {totals.map((t) => (
              <TableRow key={t.ura}>
                <TableCell>
                  {t.name} ({t.ura})
                </TableCell>
                <TableCell numeric>{formatNumber(t.valid)}</TableCell>
                <TableCell numeric>{formatNumber(t.notValid)}</TableCell>
                <TableCell numeric>{formatNumber(t.anonymous)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Loading>
    </Section>
  );
}

function BudgetSection({ year }: { year: number }) {
  const report = useApi((signal) => getBudget(year, signal), [year]);
  return (
    <Section title={`Budget en werkelijke vaccinaties ${year}`} testId="budget">
      <Paragraph>
        Het budget per gemeente tegenover het aantal geldige vaccinaties maal de prijs; het verschil gaat naar
        (of komt uit) de egalisatiereserve RVP.
      </Paragraph>
      <Downloads path="budget" query={{ year }} testId="budget-downloads" />
      <Loading status={report.status} {...(report.status === 'error' ? { problem: report.problem } : {})}>
        {report.data && report.data.rows.length === 0 ? (
          <Paragraph>Geen budgetten voor {year}.</Paragraph>
        ) : null}
        {report.data && report.data.rows.length > 0 ? (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Gemeente</TableHeaderCell>
                <TableHeaderCell numeric>Budget</TableHeaderCell>
                <TableHeaderCell numeric>Prijs per vaccinatie</TableHeaderCell>
                <TableHeaderCell numeric>Geldige vaccinaties</TableHeaderCell>
                <TableHeaderCell numeric>Nodig</TableHeaderCell>
                <TableHeaderCell numeric>Naar egalisatiereserve</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {report.data.rows.map((b) => (
                <TableRow key={b.municipalityCode} data-testid="budget-row">
                  <TableCell>{b.municipalityName}</TableCell>
                  <TableCell numeric>{formatEuro(b.budget)}</TableCell>
                  <TableCell numeric>{formatEuro(b.pricePerVaccination)}</TableCell>
                  <TableCell numeric>{formatNumber(b.validVaccinations)}</TableCell>
                  <TableCell numeric>{formatEuro(b.needed)}</TableCell>
                  <TableCell numeric>{formatEuro(b.toEqualisationReserve)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ) : null}
      </Loading>
    </Section>
  );
}

function ConsultationSection({ manage }: { manage: boolean }) {
  const [version, setVersion] = useState(0);
  const items = useApi((signal) => listConsultations(signal), [version]);
  const id = useId();
  const [points, setPoints] = useState(2);
  const [result, setResult] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const r = await openSignals({
        referenceDate: `${new Date().getFullYear()}-01-01`,
        thresholdPoints: points,
      });
      setResult(`${formatNumber(r.opened)} nieuwe overlegpunten geopend.`);
      setVersion((v) => v + 1);
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title="Punten voor het afstemmingsoverleg" testId="consultations">
      <Paragraph>
        Geopend door het signaal &quot;dalende vaccinatiegraad&quot; (daling van meer dan de drempel in
        procentpunten ten opzichte van het vorige cohort) en door vaccinverlies boven 1%.
      </Paragraph>
      {manage ? (
        <form
          className="rvp-toolbar"
          aria-label="Signaal dalende vaccinatiegraad"
          onSubmit={(e) => void run(e)}
        >
          <FormField>
            <FormLabel htmlFor={id}>Drempel (procentpunten)</FormLabel>
            <Textbox
              id={id}
              type="number"
              min={0.1}
              max={50}
              step={0.1}
              value={points}
              onChange={(e) => setPoints(Number(e.target.value))}
            />
          </FormField>
          <Button type="submit" purpose="secondary" busy={busy}>
            Signalen bepalen
          </Button>
        </form>
      ) : null}
      {problem ? <ProblemAlert problem={problem} /> : null}
      {result ? <Alert type="ok">{result}</Alert> : null}
      <Loading status={items.status} {...(items.status === 'error' ? { problem: items.problem } : {})}>
        {items.data && items.data.items.length === 0 ? <Paragraph>Geen overlegpunten.</Paragraph> : null}
        {items.data && items.data.items.length > 0 ? (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Geopend</TableHeaderCell>
                <TableHeaderCell>Soort</TableHeaderCell>
                <TableHeaderCell>Gemeente / organisatie</TableHeaderCell>
                <TableHeaderCell>Onderwerp</TableHeaderCell>
                <TableHeaderCell>Periode</TableHeaderCell>
                <TableHeaderCell>Status</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.data.items.map((c) => (
                <TableRow key={c.id} data-testid="consultation">
                  <TableCell>{formatDate(c.openedAt.slice(0, 10))}</TableCell>
                  <TableCell>{CONSULTATION_KIND[c.kind] ?? c.kind}</TableCell>
                  <TableCell>{c.municipalityCode ?? c.organisationUra ?? '–'}</TableCell>
                  <TableCell>{c.subject}</TableCell>
                  <TableCell>{c.period}</TableCell>
                  <TableCell>{c.status}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ) : null}
      </Loading>
    </Section>
  );
}

/** "Vaccinatiegraad": coverage per indicator with trend, ranking of municipalities, CSV and reports. */
import { useId, useState } from 'react';
import {
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
import { formatNumber } from '../shared/format.js';
import { useDocumentTitle, useSession } from '../shared/layout.js';
import { useApi } from '../shared/useApi.js';
import {
  coverageCsvUrl,
  formatPercent,
  getCoverage,
  ranked,
  reportUrl,
  SUPPRESSION_TEXT,
  type CoverageCell,
} from './coverage.js';

function Bar({ value, label }: { value: number | null; label: string }) {
  return (
    <svg width="160" height="12" role="img" aria-label={`${label}: ${formatPercent(value)}`}>
      <rect width="160" height="12" fill="#e6e6e6" />
      {value !== null ? <rect width={(160 * value) / 100} height="12" fill="#154273" /> : null}
    </svg>
  );
}

export function Coverage() {
  const documentTitle = useDocumentTitle('Vaccinatiegraad');
  const { user } = useSession();
  const officer = user.role === 'municipality-officer';
  const year = new Date().getFullYear();
  const [referenceDate, setReferenceDate] = useState(`${year}-01-01`);
  const [indicator, setIndicator] = useState('bmr-1');
  const ids = { indicator: useId(), date: useId() };
  const coverage = useApi(
    (signal) => getCoverage({ referenceDate, indicator, cohorts: 5 }, signal),
    [referenceDate, indicator],
  );
  const data = coverage.data;
  const info = data?.indicators.find((i) => i.code === indicator);
  const latest = info?.cohorts[0];
  const trendLevel: CoverageCell['level'] = officer ? 'municipality' : 'national';
  const trend = (data?.cells ?? []).filter((c) => c.level === trendLevel).sort((a, b) => a.cohort - b.cohort);
  const municipalities = latest === undefined ? [] : ranked(data?.cells ?? [], 'municipality', latest);
  const hidden = (data?.cells ?? []).filter(
    (c) => c.level === 'municipality' && c.cohort === latest && c.coverage === null,
  ).length;

  return (
    <>
      <PageTitle documentTitle={documentTitle}>Vaccinatiegraad</PageTitle>
      <Paragraph>
        Het aandeel kinderen per geboortecohort dat vóór de leeftijdsgrens de vereiste geldige vaccinaties
        heeft gehad, uit gepersonaliseerde registraties, en een schatting inclusief anonieme vaccinaties.
        Cellen met minder dan {data?.threshold ?? 10} kinderen, en cellen waaruit die terug te rekenen zijn,
        worden niet getoond.
      </Paragraph>
      <form className="rvp-toolbar" onSubmit={(e) => e.preventDefault()} aria-label="Indicator en peildatum">
        <FormField>
          <FormLabel htmlFor={ids.indicator}>Indicator</FormLabel>
          <Select id={ids.indicator} value={indicator} onChange={(e) => setIndicator(e.target.value)}>
            {(data?.indicators.length ? data.indicators : [{ code: indicator, label: indicator }]).map(
              (i) => (
                <option key={i.code} value={i.code}>
                  {i.label}
                </option>
              ),
            )}
          </Select>
        </FormField>
        <FormField>
          <FormLabel htmlFor={ids.date}>Peildatum (1 januari)</FormLabel>
          <Select id={ids.date} value={referenceDate} onChange={(e) => setReferenceDate(e.target.value)}>
            {[0, 1, 2, 3, 4].map((d) => (
              <option key={d} value={`${year - d}-01-01`}>
                1 januari {year - d}
              </option>
            ))}
          </Select>
        </FormField>
      </form>
      {coverage.status === 'error' ? <ProblemAlert problem={coverage.problem} /> : null}
      {coverage.status === 'loading' && !data ? (
        <Paragraph role="status" className="rvp-muted">
          Vaccinatiegraad berekenen…
        </Paragraph>
      ) : null}
      {data ? (
        <>
          <Section title={officer ? 'Uw gemeente per cohort' : 'Landelijk per cohort (trend)'}>
            <Table>
              <TableCaption>{info?.label}</TableCaption>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Cohort</TableHeaderCell>
                  <TableHeaderCell numeric>Kinderen</TableHeaderCell>
                  <TableHeaderCell numeric>Gevaccineerd</TableHeaderCell>
                  <TableHeaderCell numeric>Vaccinatiegraad</TableHeaderCell>
                  <TableHeaderCell>Grafiek</TableHeaderCell>
                  <TableHeaderCell numeric>Schatting incl. anoniem</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {trend.map((c) => (
                  <TableRow key={`${c.code}-${c.cohort}`} data-cohort={c.cohort}>
                    <TableCell>{c.cohort}</TableCell>
                    <TableCell numeric>
                      {c.population === null ? SUPPRESSION_TEXT[c.suppression] : formatNumber(c.population)}
                    </TableCell>
                    <TableCell numeric>{c.vaccinated === null ? '–' : formatNumber(c.vaccinated)}</TableCell>
                    <TableCell numeric>{formatPercent(c.coverage)}</TableCell>
                    <TableCell>
                      <Bar value={c.coverage} label={`Cohort ${c.cohort}`} />
                    </TableCell>
                    <TableCell numeric>{formatPercent(c.estimatedCoverage)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Section>
          {!officer ? (
            <Section title={`Gemeenten gerangschikt (cohort ${latest ?? '–'})`}>
              <Paragraph>
                {formatNumber(municipalities.length)} gemeenten getoond; {formatNumber(hidden)} niet getoond
                vanwege kleine aantallen.
              </Paragraph>
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell>Gemeente</TableHeaderCell>
                    <TableHeaderCell numeric>Kinderen</TableHeaderCell>
                    <TableHeaderCell numeric>Vaccinatiegraad</TableHeaderCell>
                    <TableHeaderCell>Grafiek</TableHeaderCell>
                    <TableHeaderCell numeric>Schatting incl. anoniem</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {municipalities.map((c) => (
                    <TableRow key={c.code} data-municipality={c.code}>
                      <TableCell>{c.name}</TableCell>
                      <TableCell numeric>{formatNumber(c.population ?? 0)}</TableCell>
                      <TableCell numeric>{formatPercent(c.coverage)}</TableCell>
                      <TableCell>
                        <Bar value={c.coverage} label={c.name} />
                      </TableCell>
                      <TableCell numeric>{formatPercent(c.estimatedCoverage)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </Section>
          ) : null}
          <Section title="Downloads en rapportages">
            <ul>
              <li>
                <Link href={coverageCsvUrl(referenceDate, indicator)}>Vaccinatiegraad als CSV</Link>
              </li>
              {officer ? null : (
                <>
                  <li>
                    <Link
                      href={reportUrl('july', { year: Number(referenceDate.slice(0, 4)), format: 'pdf' })}
                    >
                      Landelijke rapportage (juli), PDF
                    </Link>
                  </li>
                  <li>
                    <Link
                      href={reportUrl('february', {
                        year: Number(referenceDate.slice(0, 4)) - 1,
                        format: 'pdf',
                      })}
                    >
                      Vaccinaties per gemeente en organisatie (februari), PDF
                    </Link>
                  </li>
                </>
              )}
              <li>
                <Link
                  href={reportUrl('april', {
                    year: Number(referenceDate.slice(0, 4)) - 1,
                    municipality: user.municipalityCode ?? 'GM0344',
                    format: 'pdf',
                  })}
                >
                  Jaarrapportage gemeente (30 april), PDF
                </Link>
              </li>
            </ul>
          </Section>
        </>
      ) : null}
    </>
  );
}

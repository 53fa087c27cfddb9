/** "Bevolking per gemeente": persons and youth in the registry per municipality. */
import { useId, useMemo, useState } from 'react';
import {
  FormField,
  FormFieldDescription,
  FormLabel,
  PageTitle,
  Paragraph,
  ProblemAlert,
  SortableHeaderCell,
  Table,
  TableBody,
  TableCaption,
  TableCell,
  TableFooter,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Textbox,
  type SortDirection,
} from '../shared/components.js';
import { formatNumber } from '../shared/format.js';
import { useDocumentTitle } from '../shared/layout.js';
import { navigate, type Location } from '../shared/router.js';
import { useApi } from '../shared/useApi.js';
import { getPopulationByMunicipality } from './api.js';
import { filterMunicipalities, sortKeys, sortLabels, sortMunicipalities, type SortKey } from './table.js';

function parseSort(location: Location): { key: SortKey; direction: SortDirection } {
  const key = location.query.get('sort');
  const direction = location.query.get('order') === 'descending' ? 'descending' : 'ascending';
  return sortKeys.includes(key as SortKey)
    ? { key: key as SortKey, direction }
    : { key: 'persons', direction: 'descending' };
}

export function Population({ location }: { location: Location }) {
  const documentTitle = useDocumentTitle('Bevolking per gemeente');
  const population = useApi((signal) => getPopulationByMunicipality(signal), []);
  const [filter, setFilter] = useState(location.query.get('filter') ?? '');
  const sort = parseSort(location);
  const ids = { filter: useId(), filterHint: useId() };

  const data = population.data;
  const rows = useMemo(
    () =>
      data ? sortMunicipalities(filterMunicipalities(data.items, filter), sort.key, sort.direction) : [],
    [data, filter, sort.key, sort.direction],
  );
  const shown = useMemo(
    () =>
      rows.reduce((sum, row) => ({ persons: sum.persons + row.persons, youth: sum.youth + row.youth }), {
        persons: 0,
        youth: 0,
      }),
    [rows],
  );

  function sortBy(key: SortKey) {
    // Numbers start with the largest, names with A.
    const initial: SortDirection = key === 'persons' || key === 'youth' ? 'descending' : 'ascending';
    const direction: SortDirection =
      sort.key === key ? (sort.direction === 'ascending' ? 'descending' : 'ascending') : initial;
    navigate('/population', { sort: key, order: direction, filter: filter.trim() }, { replace: true });
  }

  const directionOf = (key: SortKey): SortDirection | null => (sort.key === key ? sort.direction : null);
  const filtered = Boolean(filter.trim());
  const countText = !data
    ? ''
    : filtered
      ? `${formatNumber(rows.length)} van ${formatNumber(data.items.length)} gemeenten`
      : `${formatNumber(data.items.length)} gemeenten`;
  const captionMeta = `${countText}${filtered ? ` (filter: „${filter.trim()}”)` : ''}, gesorteerd op ${
    sortLabels[sort.key]
  } (${sort.direction === 'ascending' ? 'oplopend' : 'aflopend'})`;

  return (
    <>
      <PageTitle documentTitle={documentTitle}>Bevolking per gemeente</PageTitle>
      <Paragraph>
        Personen in het register (uit de BRP en van het COA) per gemeente van inschrijving, en hoeveel van hen
        jeugdigen (jonger dan 18 jaar) zijn.
      </Paragraph>

      {population.status === 'error' ? <ProblemAlert problem={population.problem} /> : null}
      {population.status === 'loading' && !data ? (
        <Paragraph role="status" className="rvp-muted">
          Bevolkingscijfers laden…
        </Paragraph>
      ) : null}

      {data ? (
        <>
          <ul className="rvp-summary" aria-label="Totalen">
            <li className="rvp-summary__item">
              <span>Gemeenten</span>
              <span className="rvp-summary__value" data-testid="total-municipalities">
                {formatNumber(data.totals.municipalities)}
              </span>
            </li>
            <li className="rvp-summary__item">
              <span>Personen</span>
              <span className="rvp-summary__value" data-testid="total-persons">
                {formatNumber(data.totals.persons)}
              </span>
            </li>
            <li className="rvp-summary__item">
              <span>Jeugdigen</span>
              <span className="rvp-summary__value" data-testid="total-youth">
                {formatNumber(data.totals.youth)}
              </span>
            </li>
          </ul>

          <form
            className="rvp-toolbar"
            role="search"
            aria-label="Gemeenten filteren"
            onSubmit={(e) => e.preventDefault()}
          >
            <FormField>
              <FormLabel htmlFor={ids.filter}>Filter op gemeente</FormLabel>
              <FormFieldDescription id={ids.filterHint}>
                Naam of CBS-code, bijvoorbeeld „Utrecht” of GM0344.
              </FormFieldDescription>
              <Textbox
                id={ids.filter}
                type="search"
                autoComplete="off"
                spellCheck={false}
                aria-describedby={ids.filterHint}
                value={filter}
                onChange={(event) => setFilter(event.target.value)}
              />
            </FormField>
          </form>

          <p role="status" aria-live="polite" className="rvp-visually-hidden">
            {countText}
          </p>

          <Table>
            <TableCaption>
              Personen en jeugdigen per gemeente
              <span className="rvp-caption__meta">{captionMeta}</span>
            </TableCaption>
            <TableHeader>
              <TableRow>
                <SortableHeaderCell direction={directionOf('name')} onSort={() => sortBy('name')}>
                  Gemeente
                </SortableHeaderCell>
                <SortableHeaderCell direction={directionOf('code')} onSort={() => sortBy('code')}>
                  CBS-code
                </SortableHeaderCell>
                <SortableHeaderCell
                  numeric
                  direction={directionOf('persons')}
                  onSort={() => sortBy('persons')}
                >
                  Personen
                </SortableHeaderCell>
                <SortableHeaderCell numeric direction={directionOf('youth')} onSort={() => sortBy('youth')}>
                  Jeugdigen
                </SortableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((row) => (
                <TableRow key={row.code} data-municipality={row.code}>
                  <TableCell>{row.name}</TableCell>
                  <TableCell>{row.code}</TableCell>
                  <TableCell numeric>{formatNumber(row.persons)}</TableCell>
                  <TableCell numeric>{formatNumber(row.youth)}</TableCell>
                </TableRow>
              ))}
              {rows.length === 0 ? (
                <TableRow>
                  <TableCell colSpan={4}>Geen gemeenten gevonden voor „{filter.trim()}”.</TableCell>
                </TableRow>
              ) : null}
            </TableBody>
            <TableFooter>
              {filtered ? (
                <TableRow>
                  <TableHeaderCell scope="row" colSpan={2}>
                    Getoonde gemeenten
                  </TableHeaderCell>
                  <TableCell numeric>{formatNumber(shown.persons)}</TableCell>
                  <TableCell numeric>{formatNumber(shown.youth)}</TableCell>
                </TableRow>
              ) : null}
              <TableRow data-testid="totals-row">
                <TableHeaderCell scope="row" colSpan={2}>
                  Totaal ({formatNumber(data.totals.municipalities)} gemeenten)
                </TableHeaderCell>
                <TableCell numeric>{formatNumber(data.totals.persons)}</TableCell>
                <TableCell numeric>{formatNumber(data.totals.youth)}</TableCell>
              </TableRow>
            </TableFooter>
          </Table>
        </>
      ) : null}
    </>
  );
}

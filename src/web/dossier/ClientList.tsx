/** "Cliënten": the organisation's clients, searchable by name or BSN, 50 per page. */
import { useEffect, useId, useState, type FormEvent } from 'react';
import {
  Button,
  FormField,
  FormFieldDescription,
  FormLabel,
  Link,
  PageTitle,
  Paragraph,
  ProblemAlert,
  Table,
  TableBody,
  TableCaption,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Textbox,
} from '../shared/components.js';
import { formatAge, formatBsn, formatDate, formatKind, formatName, formatNumber } from '../shared/format.js';
import { useDocumentTitle, useSession } from '../shared/layout.js';
import { href, navigate, type Location } from '../shared/router.js';
import { useApi } from '../shared/useApi.js';
import { listClients, PAGE_SIZE, type ClientSummary } from './api.js';

const SEARCH_DELAY_MS = 300;

/** The list's state lives in the URL (`#/clients?search=…&page=2`), so "back" returns to it. */
export function listQuery(search: string, page: number): Record<string, string | number | undefined> {
  return { search: search || undefined, page: page > 1 ? page : undefined };
}

export function ClientList({ location }: { location: Location }) {
  const { user } = useSession();
  const documentTitle = useDocumentTitle('Cliënten');
  const search = location.query.get('search') ?? '';
  const page = Math.max(1, Number.parseInt(location.query.get('page') ?? '1', 10) || 1);
  const [input, setInput] = useState(search);
  const ids = { search: useId(), searchHint: useId(), status: useId() };

  // Follow the URL when it changes from outside (back button, navigation link).
  useEffect(() => setInput((current) => (current.trim() === search ? current : search)), [search]);

  // Search while typing, after a short pause.
  useEffect(() => {
    if (input.trim() === search.trim()) return;
    const timer = window.setTimeout(
      () => navigate('/clients', listQuery(input.trim(), 1), { replace: true }),
      SEARCH_DELAY_MS,
    );
    return () => window.clearTimeout(timer);
  }, [input, search]);

  const clients = useApi(
    (signal) => listClients({ search, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }, signal),
    [search, page],
  );

  // A page beyond the end (an old link, fewer clients now): go to the last page.
  const outOfRange = clients.status === 'ok' && clients.data.items.length === 0 && clients.data.total > 0;
  const lastPage = Math.max(1, Math.ceil((clients.data?.total ?? 0) / PAGE_SIZE));
  useEffect(() => {
    if (outOfRange && page > lastPage) navigate('/clients', listQuery(search, lastPage), { replace: true });
  }, [outOfRange, page, lastPage, search]);

  function submit(event: FormEvent) {
    event.preventDefault();
    navigate('/clients', listQuery(input.trim(), 1));
  }

  const data = clients.data;
  const total = data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const first = total === 0 ? 0 : (page - 1) * PAGE_SIZE + 1;
  const last = Math.min(total, page * PAGE_SIZE);
  const statusText =
    clients.status === 'loading' && !data
      ? 'Cliënten laden…'
      : total === 0
        ? search
          ? `Geen cliënten gevonden voor „${search}”.`
          : 'Er zijn nog geen cliënten.'
        : `${formatNumber(first)}–${formatNumber(last)} van ${formatNumber(total)} cliënten${
            search ? ` voor „${search}”` : ''
          }`;

  return (
    <>
      <PageTitle documentTitle={documentTitle}>Cliënten</PageTitle>
      <Paragraph>
        Jeugdigen en cliënten in zorg bij {user.organisation.name}. Kies een cliënt om het dossier te openen.
      </Paragraph>

      <form role="search" className="rvp-toolbar" onSubmit={submit} aria-label="Cliënten zoeken">
        <FormField>
          <FormLabel htmlFor={ids.search}>Zoeken op naam of BSN</FormLabel>
          <FormFieldDescription id={ids.searchHint}>Bijvoorbeeld „Jansen” of 123456782.</FormFieldDescription>
          <Textbox
            id={ids.search}
            name="search"
            type="search"
            autoComplete="off"
            spellCheck={false}
            aria-describedby={ids.searchHint}
            value={input}
            onChange={(event) => setInput(event.target.value)}
          />
        </FormField>
        <Button type="submit" purpose="primary">
          Zoeken
        </Button>
        {search ? (
          <Button type="button" purpose="subtle" onClick={() => navigate('/clients', {})}>
            Wis zoekopdracht
          </Button>
        ) : null}
      </form>

      <p id={ids.status} role="status" aria-live="polite" className="rvp-visually-hidden">
        {statusText}
      </p>

      {clients.status === 'error' ? <ProblemAlert problem={clients.problem} /> : null}

      {data && data.items.length === 0 ? <Paragraph>{statusText}</Paragraph> : null}

      {data && data.items.length > 0 ? (
        <ClientTable
          clients={data.items}
          caption={search ? `Zoekresultaten voor „${search}”` : 'Alle cliënten'}
          meta={statusText}
          search={search}
          backQuery={listQuery(search, page)}
          busy={clients.status === 'loading'}
        />
      ) : null}

      {total > PAGE_SIZE ? (
        <nav className="rvp-pagination" aria-label="Paginering">
          <Button
            purpose="secondary"
            disabled={page <= 1}
            onClick={() => page > 1 && navigate('/clients', listQuery(search, page - 1))}
          >
            Vorige
          </Button>
          <span>
            Pagina {page} van {pages}
          </span>
          <Button
            purpose="secondary"
            disabled={page >= pages}
            onClick={() => page < pages && navigate('/clients', listQuery(search, page + 1))}
          >
            Volgende
          </Button>
        </nav>
      ) : null}
    </>
  );
}

function ClientTable({
  clients,
  caption,
  meta,
  search,
  backQuery,
  busy,
}: {
  clients: ClientSummary[];
  caption: string;
  meta: string;
  search: string;
  backQuery: Record<string, string | number | undefined>;
  busy: boolean;
}) {
  return (
    <Table
      aria-busy={busy || undefined}
      className={busy ? 'utrecht-table--busy' : undefined}
      data-search={search}
    >
      <TableCaption>
        {caption}
        <span className="rvp-caption__meta">{meta}</span>
      </TableCaption>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>BSN</TableHeaderCell>
          <TableHeaderCell>Naam</TableHeaderCell>
          <TableHeaderCell>Geboortedatum</TableHeaderCell>
          <TableHeaderCell>Leeftijd</TableHeaderCell>
          <TableHeaderCell>Gemeente</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {clients.map((client) => {
          const target = href(`/clients/${encodeURIComponent(client.id)}`, backQuery);
          return (
            <TableRow
              key={client.id}
              className="utrecht-table__row--clickable"
              data-client-id={client.id}
              onClick={(event) => {
                // The name is a real link (keyboard, screen reader, new tab); the row is a larger target.
                if ((event.target as HTMLElement).closest('a')) return;
                if (window.getSelection()?.toString()) return;
                window.location.hash = target;
              }}
            >
              <TableCell>
                {client.bsn ? formatBsn(client.bsn) : <span className="rvp-muted">geen BSN</span>}
              </TableCell>
              <TableCell>
                <Link href={target}>{formatName(client)}</Link>
                {client.kind === 'client' ? (
                  <>
                    {' '}
                    <span className="rvp-badge">{formatKind(client.kind)}</span>
                  </>
                ) : null}
              </TableCell>
              <TableCell>{formatDate(client.birthDate)}</TableCell>
              <TableCell>{formatAge(client.birthDate)}</TableCell>
              <TableCell>{client.municipalityName ?? ''}</TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

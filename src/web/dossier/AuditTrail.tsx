/**
 * "Wie heeft dit dossier ingezien?" (R-C8): every read and write of one client's data — who, when,
 * what — for the organisation's admin (privacy officer). Other roles never see the section; the
 * service refuses them too. Looking at the trail is itself recorded.
 */
import { useState } from 'react';
import {
  Button,
  Heading,
  Paragraph,
  ProblemAlert,
  Table,
  TableBody,
  TableCaption,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '../shared/components.js';
import { formatDateTime } from '../shared/format.js';
import { useApi } from '../shared/useApi.js';
import { auditActionLabel, auditActors, getAudit, isWriteAction } from './exchange.js';

const FIRST_ROWS = 25;

export function AuditTrail({ clientId }: { clientId: string }) {
  const audit = useApi((signal) => getAudit(clientId, signal), [clientId]);
  const [all, setAll] = useState(false);

  if (audit.status === 'error') return <ProblemAlert problem={audit.problem} />;
  if (!audit.data) {
    return (
      <Paragraph role="status" className="rvp-muted">
        Auditspoor laden…
      </Paragraph>
    );
  }
  const items = audit.data.items;
  const shown = all ? items : items.slice(0, FIRST_ROWS);
  const actors = auditActors(items);
  return (
    <>
      <Paragraph>
        Het dossier legt vast wie gegevens van deze cliënt bekeek of wijzigde, en wanneer (R-C8). Alleen de
        beheerder ziet dit overzicht; ook het bekijken ervan wordt vastgelegd.
      </Paragraph>
      {items.length === 0 ? (
        <Paragraph data-testid="audit-none">Er is nog niets vastgelegd.</Paragraph>
      ) : (
        <>
          <Heading level={3}>Personen</Heading>
          <ul className="rvp-list" data-testid="audit-actors">
            {actors.map((actor) => (
              <li key={actor.actorId}>
                <strong>{actor.name}</strong> <span className="rvp-muted">({actor.actorId})</span>:{' '}
                {actor.count === 1 ? '1 keer' : `${actor.count} keer`}, laatst op {formatDateTime(actor.last)}
              </li>
            ))}
          </ul>
          <Heading level={3}>Alle handelingen</Heading>
          <Table data-testid="audit">
            <TableCaption className="rvp-visually-hidden">
              Auditspoor van deze cliënt, nieuwste eerst
            </TableCaption>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Wanneer</TableHeaderCell>
                <TableHeaderCell>Wie</TableHeaderCell>
                <TableHeaderCell>Wat</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {shown.map((entry, index) => (
                <TableRow
                  key={`${entry.at}:${entry.requestId ?? index}:${entry.action}`}
                  data-action={entry.action}
                >
                  <TableCell className="rvp-nowrap">{formatDateTime(entry.at)}</TableCell>
                  <TableCell>
                    {entry.actorName ?? entry.actorId}
                    <span className="rvp-cell-meta">{entry.actorId}</span>
                  </TableCell>
                  <TableCell>
                    {isWriteAction(entry.action) ? (
                      <strong>{auditActionLabel(entry.action)}</strong>
                    ) : (
                      auditActionLabel(entry.action)
                    )}
                    {entry.requestId ? (
                      <span className="rvp-cell-meta">Verzoek {entry.requestId}</span>
                    ) : null}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          {items.length > FIRST_ROWS ? (
            <div className="rvp-button-group rvp-section--tight">
              <Button purpose="subtle" onClick={() => setAll(!all)} aria-expanded={all}>
                {all ? `Alleen de nieuwste ${FIRST_ROWS} tonen` : `Alle ${items.length} handelingen tonen`}
              </Button>
            </div>
          ) : null}
        </>
      )}
    </>
  );
}

/**
 * "Werklijst berichten" for registry staff and analysts (R-V5): messages held because the BSN is not
 * known in the registry, and messages the registry refused, with the rule and reason. Municipality
 * officers see neither (the service refuses them too).
 */
import { useCallback, useState } from 'react';
import {
  Alert,
  Button,
  Link,
  PageTitle,
  Paragraph,
  ProblemAlert,
  Section,
  Table,
  TableBody,
  TableCaption,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '../shared/components.js';
import { formatDateTime, formatNumber } from '../shared/format.js';
import { useDocumentTitle, useSession } from '../shared/layout.js';
import { useApi } from '../shared/useApi.js';
import { getIntakeWorklist, WORKLIST_ROLES, type HeldMessage, type RefusedMessage } from './api.js';
import { countMessages, intakeRuleLabel } from './worklist.js';

export function Worklist() {
  const documentTitle = useDocumentTitle('Werklijst berichten');
  const { user } = useSession();
  const allowed = WORKLIST_ROLES.includes(user.role);
  return (
    <>
      <PageTitle documentTitle={documentTitle}>Werklijst berichten</PageTitle>
      <Paragraph purpose="lead">
        Vaccinatieberichten van de JGZ-organisaties die het register niet zonder meer kon verwerken.
      </Paragraph>
      {allowed ? (
        <WorklistTables />
      ) : (
        <>
          <Alert type="warning">Alleen medewerkers en analisten van het register zien de werklijst.</Alert>
          <Paragraph>
            <Link href="#/">Naar de startpagina</Link>
          </Paragraph>
        </>
      )}
    </>
  );
}

function WorklistTables() {
  const [version, setVersion] = useState(0);
  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  const worklist = useApi((signal) => getIntakeWorklist(signal), [version]);
  const data = worklist.data;
  return (
    <>
      {worklist.status === 'error' ? <ProblemAlert problem={worklist.problem} /> : null}
      {!data ? (
        worklist.status === 'error' ? null : (
          <Paragraph role="status" className="rvp-muted">
            Werklijst laden…
          </Paragraph>
        )
      ) : (
        <>
          <ul className="rvp-summary" aria-label="Totalen">
            <li className="rvp-summary__item">
              <span>Vastgehouden</span>
              <span className="rvp-summary__value" data-testid="held-count">
                {formatNumber(data.held.length)}
              </span>
            </li>
            <li className="rvp-summary__item">
              <span>Geweigerd</span>
              <span className="rvp-summary__value" data-testid="refused-count">
                {formatNumber(data.refused.length)}
              </span>
            </li>
          </ul>
          <div className="rvp-button-group rvp-actions">
            <Button purpose="subtle" busy={worklist.status === 'loading'} onClick={refresh}>
              Werklijst vernieuwen
            </Button>
          </div>
          <Section title="Vastgehouden berichten" testId="held">
            <Paragraph>
              Berichten met persoonsgegevens waarvan het BSN niet in het register voorkomt. Ze zijn bewaard en
              worden verwerkt zodra de persoon bekend is.
            </Paragraph>
            <HeldTable items={data.held} />
          </Section>
          <Section title="Geweigerde berichten" testId="refused">
            <Paragraph>
              Berichten die niet aan de regels voldeden. Het register bewaart alleen de regel en de reden,
              niet het bericht; de JGZ-organisatie ziet de reden op haar eigen werklijst en stuurt een
              correctie.
            </Paragraph>
            <RefusedTable items={data.refused} />
          </Section>
        </>
      )}
    </>
  );
}

function HeldTable({ items }: { items: HeldMessage[] }) {
  if (items.length === 0)
    return <Paragraph data-testid="held-none">Er zijn geen vastgehouden berichten.</Paragraph>;
  return (
    <Table data-testid="held-table">
      <TableCaption className="rvp-visually-hidden">
        Vastgehouden berichten: {countMessages(items.length)}, nieuwste eerst
      </TableCaption>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Ontvangen</TableHeaderCell>
          <TableHeaderCell>Organisatie (URA)</TableHeaderCell>
          <TableHeaderCell>Contactmoment</TableHeaderCell>
          <TableHeaderCell numeric>Versie</TableHeaderCell>
          <TableHeaderCell>Reden</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((item) => (
          <TableRow key={item.id}>
            <TableCell className="rvp-nowrap">{formatDateTime(item.receivedAt)}</TableCell>
            <TableCell>{item.organisationUra}</TableCell>
            <TableCell>
              <span className="rvp-code">{item.activityId}</span>
            </TableCell>
            <TableCell numeric>{item.version}</TableCell>
            <TableCell>
              {item.reason}
              <span className="rvp-cell-meta">{intakeRuleLabel(item.reasonCode)}</span>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function RefusedTable({ items }: { items: RefusedMessage[] }) {
  if (items.length === 0) {
    return <Paragraph data-testid="refused-none">Er zijn geen geweigerde berichten.</Paragraph>;
  }
  return (
    <Table data-testid="refused-table">
      <TableCaption className="rvp-visually-hidden">
        Geweigerde berichten: {countMessages(items.length)}, nieuwste eerst
      </TableCaption>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Ontvangen</TableHeaderCell>
          <TableHeaderCell>Organisatie (URA)</TableHeaderCell>
          <TableHeaderCell>Contactmoment</TableHeaderCell>
          <TableHeaderCell>Regel</TableHeaderCell>
          <TableHeaderCell>Reden</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((item, index) => (
          <TableRow key={`${item.receivedAt}:${index}`}>
            <TableCell className="rvp-nowrap">{formatDateTime(item.receivedAt)}</TableCell>
            <TableCell>{item.organisationUra ?? <span className="rvp-muted">onbekend</span>}</TableCell>
            <TableCell>
              {item.activityId ? (
                <span className="rvp-code">{item.activityId}</span>
              ) : (
                <span className="rvp-muted">onbekend</span>
              )}
            </TableCell>
            <TableCell>
              {intakeRuleLabel(item.rule)}
              <span className="rvp-cell-meta">{item.rule}</span>
            </TableCell>
            <TableCell>{item.reason}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

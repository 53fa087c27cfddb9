/**
 * "Uitwisseling" (R-V5): for the organisation's JGZ admin and planner. Start the nightly delivery to
 * the registry now and see what happened; the worklist of messages the registry refused or held,
 * with its reason and a link to the client's dossier.
 */
import { useCallback, useState } from 'react';
import type { Problem } from '../shared/api.js';
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
  VisuallyHidden,
} from '../shared/components.js';
import { formatDateTime, formatNumber } from '../shared/format.js';
import { useDocumentTitle, useSession } from '../shared/layout.js';
import { href } from '../shared/router.js';
import { problemOf, useApi } from '../shared/useApi.js';
import {
  deliveryErrorText,
  EXCHANGE_ROLES,
  getExchangeWorklist,
  runCounts,
  runExchange,
  runSummary,
  worklistStateLabel,
  type ExchangeRunResult,
} from './exchange.js';

export function ExchangePage() {
  const documentTitle = useDocumentTitle('Uitwisseling');
  const { user } = useSession();
  const allowed = EXCHANGE_ROLES.includes(user.role);
  return (
    <>
      <PageTitle documentTitle={documentTitle}>Uitwisseling</PageTitle>
      <Paragraph purpose="lead">
        Vaccinatieberichten gaan elke nacht naar het register (RVP): met persoonsgegevens (bericht 4) als er
        toestemming is, anders zonder (bericht 4a).
      </Paragraph>
      {allowed ? (
        <Exchange />
      ) : (
        <>
          <Alert type="warning">
            Alleen een beheerder of planner van de organisatie kan de uitwisseling met het register beheren.
          </Alert>
          <Paragraph>
            <Link href="#/clients">Naar de cliënten</Link>
          </Paragraph>
        </>
      )}
    </>
  );
}

function Exchange() {
  const [version, setVersion] = useState(0);
  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  const worklist = useApi((signal) => getExchangeWorklist(signal), [version]);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<{ counts: ExchangeRunResult; at: string } | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  async function run() {
    if (running) return;
    setRunning(true);
    setProblem(null);
    try {
      const counts = await runExchange();
      setResult({ counts, at: new Date().toISOString() });
      refresh();
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setRunning(false);
    }
  }

  const items = worklist.data?.items;
  return (
    <>
      <Section title="Nu versturen">
        <Paragraph>
          Verstuur nu alles wat klaarstaat, zonder op de nacht te wachten. Per bericht kiest het systeem op
          het moment van verzenden of het met of zonder persoonsgegevens gaat.
        </Paragraph>
        <div className="rvp-button-group rvp-actions">
          <Button purpose="primary" busy={running} onClick={() => void run()}>
            Nu versturen
          </Button>
        </div>
        {problem ? <ProblemAlert problem={problem} /> : null}
        <div aria-live="polite">
          {result ? (
            <div className="rvp-section--tight" data-testid="run-result">
              <Paragraph>
                <strong>Verzending van {formatDateTime(result.at)}:</strong> {runSummary(result.counts)}
              </Paragraph>
              <ul className="rvp-summary rvp-summary--grid" aria-label="Aantallen van deze verzending">
                {runCounts(result.counts).map((count) => (
                  <li key={count.key} className="rvp-summary__item" data-count={count.key}>
                    <span>{count.label}</span>
                    <span className="rvp-summary__value">{formatNumber(count.value)}</span>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
      </Section>

      <Section title="Werklijst" testId="worklist">
        <Paragraph>
          Berichten die het register heeft geweigerd of op zijn werklijst heeft gezet (bijvoorbeeld een BSN
          dat het register niet kent), met de reden van het register. Controleer de gegevens in het dossier;
          een correctie stuurt een nieuwe versie.
        </Paragraph>
        <Paragraph>
          Bovenaan staan berichten die nog niet zijn afgeleverd, omdat het register niet bereikbaar was of de
          zending weigerde (bijvoorbeeld om de handtekening). Ze worden vanzelf opnieuw aangeboden; met{' '}
          <strong>Nu versturen</strong> gebeurt dat meteen.
        </Paragraph>
        {worklist.status === 'error' ? <ProblemAlert problem={worklist.problem} /> : null}
        {!items ? (
          worklist.status === 'error' ? null : (
            <Paragraph role="status" className="rvp-muted">
              Werklijst laden…
            </Paragraph>
          )
        ) : items.length === 0 ? (
          <Paragraph data-testid="worklist-none">
            Er staan geen geweigerde, vastgehouden of onafgeleverde berichten op de werklijst.
          </Paragraph>
        ) : (
          <>
            <Paragraph data-testid="worklist-count">
              <strong>
                {items.length === 1 ? '1 bericht' : `${formatNumber(items.length)} berichten`} op de werklijst
              </strong>
              , onafgeleverde eerst, dan de nieuwste.
            </Paragraph>
            <Table data-testid="worklist-table">
              <TableCaption className="rvp-visually-hidden">
                Onafgeleverde, geweigerde en vastgehouden berichten
              </TableCaption>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Toestand</TableHeaderCell>
                  <TableHeaderCell>Reden</TableHeaderCell>
                  <TableHeaderCell>Contactmoment</TableHeaderCell>
                  <TableHeaderCell>Verstuurd of volgende poging</TableHeaderCell>
                  <TableHeaderCell>Dossier</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {items.map((item) => (
                  <TableRow key={`${item.activityId}:${item.version}`} data-state={item.state}>
                    <TableCell>
                      <span
                        className={`rvp-badge ${item.state === 'held' ? 'rvp-badge--warning' : 'rvp-badge--error'}`}
                      >
                        {worklistStateLabel(item.state)}
                      </span>
                    </TableCell>
                    <TableCell>
                      {item.state === 'undelivered' && item.deliveryError ? (
                        deliveryErrorText(item.deliveryError)
                      ) : item.state !== 'undelivered' && item.registryReason ? (
                        item.registryReason
                      ) : (
                        <span className="rvp-muted">geen reden opgegeven</span>
                      )}
                    </TableCell>
                    <TableCell>
                      <span className="rvp-code">{item.activityId}</span>
                      <span className="rvp-cell-meta">versie {item.version}</span>
                    </TableCell>
                    <TableCell className="rvp-nowrap">
                      {item.state === 'undelivered' ? (
                        <>
                          {formatDateTime(item.nextAttemptAt)}
                          <span className="rvp-cell-meta">
                            {item.attempts === 1 ? '1 poging mislukt' : `${item.attempts} pogingen mislukt`}
                          </span>
                        </>
                      ) : (
                        formatDateTime(item.sentAt)
                      )}
                    </TableCell>
                    <TableCell>
                      <Link href={href(`/clients/${encodeURIComponent(item.clientId)}`)}>
                        Dossier openen
                        <VisuallyHidden>
                          {' '}
                          (contactmoment {item.activityId}, versie {item.version})
                        </VisuallyHidden>
                      </Link>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </>
        )}
        {items ? (
          <div className="rvp-button-group rvp-section--tight">
            <Button purpose="subtle" busy={worklist.status === 'loading'} onClick={refresh}>
              Werklijst vernieuwen
            </Button>
          </div>
        ) : null}
      </Section>
    </>
  );
}

/**
 * One client's dossier page: personal data, address, custodians, exchange consent, vaccinations with
 * the state of their messages to the registry, the status query, and for the admin the audit trail.
 */
import { type ReactNode } from 'react';
import {
  Alert,
  DataList,
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
import {
  formatAge,
  formatBsn,
  formatDate,
  formatDossierStatus,
  formatGender,
  formatKind,
  formatName,
  formatPostcode,
  formatRelation,
  formatStreetLine,
} from '../shared/format.js';
import { useDocumentTitle, useSession } from '../shared/layout.js';
import { href, type Location } from '../shared/router.js';
import { useApi } from '../shared/useApi.js';
import { getClient, type ClientDetail } from './api.js';
import { AuditTrail } from './AuditTrail.js';
import { listQuery } from './ClientList.js';
import { ageBandText, decisionLabel, getConsent } from './consent.js';
import { AUDIT_ROLE } from './exchange.js';
import { VaccinationSections } from './Vaccinations.js';
import { SideEffectSection } from './SideEffects.js';
import { RegistrationFormSection, TransferSection } from './Transfer.js';

export function ClientPage({ id, location }: { id: string; location: Location }) {
  const client = useApi((signal) => getClient(id, signal), [id]);
  const backHref = href(
    '/clients',
    listQuery(location.query.get('search') ?? '', Number(location.query.get('page') ?? '1') || 1),
  );
  const back = (
    <Paragraph>
      <Link href={backHref}>← Terug naar cliënten</Link>
    </Paragraph>
  );

  if (client.status === 'error') {
    const notFound = client.problem.status === 404;
    return (
      <>
        <ClientTitle title={notFound ? 'Cliënt niet gevonden' : 'Cliënt'} />
        {back}
        {notFound ? (
          <Alert type="warning">Deze cliënt bestaat niet of is niet in zorg bij uw organisatie.</Alert>
        ) : (
          <ProblemAlert problem={client.problem} />
        )}
      </>
    );
  }
  if (client.status === 'loading' || !client.data) {
    return (
      <>
        {back}
        <Paragraph role="status" className="rvp-muted">
          Dossier laden…
        </Paragraph>
      </>
    );
  }
  return <ClientDossier client={client.data} back={back} />;
}

function ClientTitle({ title }: { title: string }) {
  const documentTitle = useDocumentTitle(title);
  return <PageTitle documentTitle={documentTitle}>{title}</PageTitle>;
}

/**
 * The sections of the dossier page, in order. Each later issue adds its own; a part that needs a page
 * of its own gets a route under `#/clients/:id/…` (like the consent page).
 */
function ClientDossier({ client, back }: { client: ClientDetail; back: ReactNode }) {
  const { user } = useSession();
  const name = formatName(client);
  return (
    <>
      <ClientTitle title={name} />
      <Paragraph className="rvp-muted">
        {formatKind(client.kind)}, {formatAge(client.birthDate)}
        {client.bsn ? `, BSN ${formatBsn(client.bsn)}` : ', geen BSN'}
      </Paragraph>
      {back}
      <Section title="Persoonsgegevens">
        <PersonalData client={client} />
      </Section>
      <Section title="Adres">
        <AddressData client={client} />
      </Section>
      <Section title="Gezaghebbenden">
        <Custodians client={client} />
      </Section>
      <Section title="Toestemming gegevensuitwisseling RVP">
        <ConsentSummary client={client} />
      </Section>
      <VaccinationSections client={client} />
      {/* Issue 12: registration form (no BSN), side effects, transfer. */}
      <RegistrationFormSection client={client} />
      <SideEffectSection client={client} />
      <TransferSection client={client} />
      {user.role === AUDIT_ROLE ? (
        <Section title="Wie heeft dit dossier ingezien?" testId="audit-section">
          <AuditTrail clientId={client.id} />
        </Section>
      ) : null}
    </>
  );
}

function PersonalData({ client }: { client: ClientDetail }) {
  return (
    <DataList
      items={[
        { term: 'BSN', value: client.bsn ? formatBsn(client.bsn) : 'geen BSN' },
        { term: 'Voornaam', value: client.givenName },
        { term: 'Voorvoegsel', value: client.prefix ?? '' },
        { term: 'Achternaam', value: client.familyName },
        { term: 'Geboortedatum', value: formatDate(client.birthDate) },
        { term: 'Leeftijd', value: formatAge(client.birthDate) },
        { term: 'Geslacht', value: formatGender(client.gender) },
        { term: 'Soort', value: formatKind(client.kind) },
        { term: 'Dossiernummer', value: client.dossierNumber ?? '' },
        { term: 'Dossierstatus', value: formatDossierStatus(client.dossierStatus) },
      ]}
    />
  );
}

function AddressData({ client }: { client: ClientDetail }) {
  const address = client.address;
  if (!address) return <Paragraph>Er is geen adres bekend.</Paragraph>;
  const municipality = [
    address.municipalityName,
    address.municipalityCode ? `(${address.municipalityCode})` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <DataList
      items={[
        { term: 'Straat en huisnummer', value: formatStreetLine(address) },
        { term: 'Postcode', value: formatPostcode(address.postcode) },
        { term: 'Woonplaats', value: address.city ?? '' },
        { term: 'Gemeente', value: municipality },
      ]}
    />
  );
}

function Custodians({ client }: { client: ClientDetail }) {
  if (client.custodians.length === 0) {
    return (
      <Paragraph>
        {client.kind === 'client'
          ? 'Er zijn geen gezaghebbenden geregistreerd.'
          : 'Er zijn geen gezaghebbenden bekend. Zonder bekende gezaghebbende kan niemand namens deze jeugdige toestemming geven.'}
      </Paragraph>
    );
  }
  return (
    <Table data-testid="custodians">
      <TableCaption>Ouders en gezaghebbenden van {formatName(client)}</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Naam</TableHeaderCell>
          <TableHeaderCell>Relatie</TableHeaderCell>
          <TableHeaderCell>Gezag</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {client.custodians.map((custodian) => (
          <TableRow key={custodian.id}>
            <TableCell>{formatName(custodian)}</TableCell>
            <TableCell>{formatRelation(custodian.relation)}</TableCell>
            <TableCell>
              {custodian.hasCustody ? (
                'gezag'
              ) : (
                <span className="rvp-badge rvp-badge--warning">geen gezag</span>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** The exchange-consent decision today, with a link to the consent page (R-C4). */
function ConsentSummary({ client }: { client: ClientDetail }) {
  const consent = useApi((signal) => getConsent(client.id, undefined, signal), [client.id]);
  const link = (
    <Paragraph>
      <Link href={href(`/clients/${encodeURIComponent(client.id)}/consent`)}>
        Toestemming bekijken en registreren
      </Link>
    </Paragraph>
  );
  if (consent.status === 'error') {
    return (
      <>
        <ProblemAlert problem={consent.problem} />
        {link}
      </>
    );
  }
  if (!consent.data) {
    return (
      <Paragraph role="status" className="rvp-muted">
        Toestemming laden…
      </Paragraph>
    );
  }
  const { evaluation, upcoming } = consent.data;
  const yes = evaluation.decision === 'toestemming';
  return (
    <>
      <Paragraph>
        Besluit vandaag:{' '}
        <strong
          className={`rvp-decision-badge rvp-decision-badge--${yes ? 'yes' : 'no'}`}
          data-testid="consent-summary-decision"
        >
          {decisionLabel(evaluation.decision)}
        </strong>
      </Paragraph>
      <Paragraph className="rvp-muted">
        {ageBandText(evaluation.ageBand, client.kind, evaluation.ageOnEvaluationDate).title}.
        {upcoming.map((u) => ` Wordt op ${formatDate(u.date)} ${u.age} jaar: dan verandert wie beslist.`)}
      </Paragraph>
      {link}
    </>
  );
}

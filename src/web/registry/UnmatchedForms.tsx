/**
 * Registry staff's worklist of registration forms (R-V6) that matched no single person: the form's
 * identifying data beside look-alike persons, to link one or keep the vaccination anonymous.
 */
import { useState } from 'react';
import { request, type Problem } from '../shared/api.js';
import {
  Button,
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
import { formatDate, formatName } from '../shared/format.js';
import { useDocumentTitle } from '../shared/layout.js';
import { problemOf, useApi } from '../shared/useApi.js';

interface Identity {
  givenName: string;
  prefix: string | null;
  familyName: string;
  gender: string;
  birthDate: string;
  postcode: string | null;
}
interface UnmatchedForm {
  id: string;
  organisationUra: string;
  activityDate: string;
  identity: Identity & { houseNumber: number | null };
  vaccinations: Array<{ vaccineType: string; date: string }>;
  candidates: Array<Identity & { id: string; source: string }>;
}

export const UNMATCHED_ROLES = ['registry-staff'];

export function UnmatchedForms() {
  const documentTitle = useDocumentTitle('Registratieformulieren zonder koppeling');
  const [version, setVersion] = useState(0);
  const forms = useApi(
    (signal) => request<{ items: UnmatchedForm[] }>('api/registration-forms/unmatched', { signal }),
    [version],
  );
  const [problem, setProblem] = useState<Problem | null>(null);
  const resolve = async (id: string, body: { personId: string } | { keepAnonymous: true }) => {
    setProblem(null);
    try {
      await request(`api/registration-forms/${encodeURIComponent(id)}/resolve`, { method: 'POST', body });
      setVersion((v) => v + 1);
    } catch (error) {
      setProblem(problemOf(error));
    }
  };
  return (
    <>
      <PageTitle documentTitle={documentTitle}>Registratieformulieren zonder koppeling</PageTitle>
      {problem ? <ProblemAlert problem={problem} /> : null}
      {forms.status === 'error' ? <ProblemAlert problem={forms.problem} /> : null}
      {forms.data && forms.data.items.length === 0 ? (
        <Paragraph>Alle registratieformulieren zijn gekoppeld of verwerkt.</Paragraph>
      ) : null}
      {forms.data?.items.map((f) => (
        <Section key={f.id} title={`${formatName(f.identity)}, geboren ${formatDate(f.identity.birthDate)}`}>
          <Paragraph>
            Organisatie {f.organisationUra}, contactmoment {formatDate(f.activityDate)}:{' '}
            {f.vaccinations.map((v) => `${v.vaccineType} op ${formatDate(v.date)}`).join(', ')}
            {f.identity.postcode ? `; postcode ${f.identity.postcode}` : ''}
          </Paragraph>
          <Table>
            <TableCaption>Personen die erop lijken</TableCaption>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Naam</TableHeaderCell>
                <TableHeaderCell>Geboortedatum</TableHeaderCell>
                <TableHeaderCell>Bron</TableHeaderCell>
                <TableHeaderCell>Actie</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {f.candidates.map((c) => (
                <TableRow key={c.id}>
                  <TableCell>{formatName(c)}</TableCell>
                  <TableCell>{formatDate(c.birthDate)}</TableCell>
                  <TableCell>{c.source.toUpperCase()}</TableCell>
                  <TableCell>
                    <Button
                      type="button"
                      purpose="secondary"
                      onClick={() => void resolve(f.id, { personId: c.id })}
                    >
                      Koppelen
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Button type="button" purpose="subtle" onClick={() => void resolve(f.id, { keepAnonymous: true })}>
            Anoniem bewaren
          </Button>
        </Section>
      ))}
    </>
  );
}

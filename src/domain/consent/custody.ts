/** How a related person stands to a client (dossier `client_relation.relation`). */
export type RelationKind = 'parent' | 'guardian' | 'legal-representative';

/**
 * The custodians the decision tree counts (03/04): persons with custody on any of their relations,
 * except one who is related only as legal representative (05 is their own source). A parent who is
 * also the legal representative stays a custodian. In order of first appearance.
 */
export function custodiansOf(
  relations: Iterable<{
    readonly personId: string;
    readonly relation: RelationKind;
    readonly hasCustody: boolean;
  }>,
): string[] {
  const persons = new Map<string, { custody: boolean; onlyRepresentative: boolean }>();
  for (const r of relations) {
    const seen = persons.get(r.personId);
    const representative = r.relation === 'legal-representative';
    if (seen) {
      seen.custody ||= r.hasCustody;
      seen.onlyRepresentative &&= representative;
    } else persons.set(r.personId, { custody: r.hasCustody, onlyRepresentative: representative });
  }
  const custodians: string[] = [];
  for (const [id, p] of persons) if (p.custody && !p.onlyRepresentative) custodians.push(id);
  return custodians;
}

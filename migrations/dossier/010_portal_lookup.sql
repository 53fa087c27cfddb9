-- Portal (issue 11): a signed-in citizen's subjects are looked up by BSN across all organisations
-- (src/dossier/portal.ts): clients with that BSN (themself) and related persons with that BSN
-- (custodians). The existing unique (organisation_ura, bsn) on client leads with the organisation, so
-- neither lookup had an index to use; without these each portal page view scans both tables.
create index client_bsn on client (bsn) where bsn is not null;
create index related_person_bsn on related_person (bsn) where bsn is not null;

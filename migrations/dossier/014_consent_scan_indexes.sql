-- Issue 8: re-evaluating every dossier's consent reads clients, relations, records and judgements in
-- client-id ranges. Ids are random UUIDs, so an index range scan that visits the heap reads one random
-- page per row; at 1 M clients that was 23 s of PostgreSQL CPU per pass. With the columns the
-- decision needs in the index, the same ranges are index-only scans: leaf pages in id order (4 s).
create index client_consent_scan on client (id) include (birth_date);

alter table client_relation
  drop constraint client_relation_pkey,
  add constraint client_relation_pkey primary key (client_id, person_id, relation) include (has_custody);

drop index consent_record_client;
create index consent_record_client on consent_record (client_id, consent_date)
  include (id, agreed, source_person_id, source, registered_at);

drop index competence_judgement_client;
create index competence_judgement_client on competence_judgement (client_id, judged_on) include (competent);

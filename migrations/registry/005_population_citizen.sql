-- Population import from BRP and COA extracts (R-R1) and citizen requests (R-R6). See docs/population.md.

-- One row per imported file, keyed by the sha256 of its content: the same content is never applied
-- twice, and an interrupted import continues after the last committed line.
create table import_run (
  id uuid primary key default gen_random_uuid(),
  sha256 text not null unique check (sha256 ~ '^[0-9a-f]{64}$'),
  file_name text,
  format text not null check (format in ('ndjson', 'csv')),
  status text not null default 'running' check (status in ('running', 'completed')),
  -- Physical line number (1-based) of the last line whose batch was committed; 0 before the first.
  last_committed_line integer not null default 0 check (last_committed_line >= 0),
  applied integer not null default 0 check (applied >= 0),
  refused integer not null default 0 check (refused >= 0),
  batches integer not null default 0 check (batches >= 0),
  started_by text not null,
  started_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  completed_at timestamptz,
  check ((status = 'completed') = (completed_at is not null))
);

-- The validation report: every refused row, by line, field and rule. No personal data: the message
-- names the rule, never the value.
create table import_refused_row (
  id bigserial primary key,
  run_id uuid not null references import_run (id),
  line integer not null check (line >= 1),
  field text not null,
  rule text not null,
  message text not null
);
create index import_refused_row_run on import_refused_row (run_id, line, id);

-- Custodians (gezagdragers) of a person as the BRP/COA extract names them, by BSN. They need not be
-- persons in the registry themselves (adults are not). Used to check who may ask for a certificate.
create table person_custodian (
  person_id uuid not null references person (id) on delete cascade,
  custodian_bsn text not null check (custodian_bsn ~ '^[0-9]{9}$'),
  primary key (person_id, custodian_bsn)
);
create index person_custodian_bsn on person_custodian (custodian_bsn);

-- "No consent" notice (R-R6): stops reminders, not invitations. At most one active notice per person;
-- withdrawing keeps the row as history.
create table no_consent_notice (
  id uuid primary key default gen_random_uuid(),
  person_id uuid not null references person (id),
  registered_at timestamptz not null default now(),
  registered_by text not null,
  withdrawn_at timestamptz,
  withdrawn_by text,
  check ((withdrawn_at is null) = (withdrawn_by is null))
);
create unique index no_consent_notice_active on no_consent_notice (person_id) where withdrawn_at is null;

-- Issued vaccination certificates (R-R6): the verification id printed as a barcode, and what was issued
-- to whom; not the certificate's content.
create table certificate_issue (
  verification_id text primary key check (verification_id ~ '^RVP-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$'),
  person_id uuid not null references person (id),
  issued_on date not null,
  issued_at timestamptz not null default now(),
  issued_by text not null,
  requester text not null check (requester in ('self', 'custodian')),
  vaccinations integer not null check (vaccinations >= 0),
  content_sha256 text not null check (content_sha256 ~ '^[0-9a-f]{64}$')
);
create index certificate_issue_person on certificate_issue (person_id);

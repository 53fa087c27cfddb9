-- Exchange consent (R-C2, R-C3): records and competence judgements are evidence, so they are
-- append-only. Ending a record is itself a new row in consent_record_end, never an edit.

create table competence_judgement (
  id uuid primary key default gen_random_uuid(),
  client_id uuid not null references client (id),
  organisation_ura text not null references organisation (ura),
  judged_on date not null,
  competent boolean not null,
  -- "bijzonderheden wilsontwikkeling": why the professional judged so.
  explanation text not null check (length(explanation) between 1 and 2000),
  registered_by text not null,
  registered_at timestamptz not null default now()
);
create index competence_judgement_client on competence_judgement (client_id, judged_on);

create table consent_record (
  id uuid primary key default gen_random_uuid(),
  client_id uuid not null references client (id),
  organisation_ura text not null references organisation (ura), -- the registering organisation
  agreed boolean not null, -- BDS 1533
  -- BDS 1534: the client themself (source_person_id null) or a related person.
  source_person_id uuid references related_person (id),
  source text not null check (source in ('01', '03', '04', '05')), -- BDS 1535, W0691
  consent_date date not null, -- BDS 1536
  method text check (method in ('written', 'verbal', 'phone', 'portal', 'other')), -- W0678
  note text check (length(note) <= 2000),
  registered_by text not null, -- employee id (or the portal user)
  registered_at timestamptz not null default now(),
  check ((source = '01') = (source_person_id is null))
);
create index consent_record_client on consent_record (client_id, consent_date);

-- BDS 1607: a record ends when the same person registers a new one (or on an explicit end).
create table consent_record_end (
  record_id uuid primary key references consent_record (id),
  end_date date not null,
  ended_by_record_id uuid references consent_record (id),
  registered_by text not null,
  registered_at timestamptz not null default now()
);

create function evidence_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only: history is evidence', tg_table_name;
end $$;
create trigger consent_record_append_only before update or delete on consent_record
  for each row execute function evidence_is_append_only();
create trigger consent_record_end_append_only before update or delete on consent_record_end
  for each row execute function evidence_is_append_only();
create trigger competence_judgement_append_only before update or delete on competence_judgement
  for each row execute function evidence_is_append_only();

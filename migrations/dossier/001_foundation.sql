-- Dossier (DD JGZ analogue): one database, many youth-health organisations (tenants by URA).

create table organisation (
  ura text primary key check (ura ~ '^[0-9]{8}$'),
  name text not null
);

create table staff_user (
  id text primary key,
  name text not null,
  organisation_ura text not null references organisation (ura),
  role text not null check (role in ('jgz-professional', 'jgz-planner', 'jgz-admin')),
  created_at timestamptz not null default now()
);

-- A youth (under 18) or a client of 18+ (e.g. a pregnant woman) with a dossier at one organisation.
create table client (
  id uuid primary key default gen_random_uuid(),
  organisation_ura text not null references organisation (ura),
  kind text not null check (kind in ('youth', 'client')),
  dossier_number text not null check (length(dossier_number) between 1 and 15), -- BDS 695
  dossier_status text not null default '01' check (dossier_status in ('01', '02')), -- BDS 696, W0002
  bsn text check (bsn ~ '^[0-9]{9}$'), -- BDS 7; null for youth without a BSN (R-V6)
  given_name text not null, -- BDS 6
  name_prefix text, -- BDS 3
  family_name text not null, -- BDS 4
  gender text not null check (gender in ('0', '1', '2', '3')), -- BDS 19, W0023
  birth_date date not null, -- BDS 20
  street text,
  house_number integer, -- BDS 12
  house_letter text, -- BDS 13
  house_number_addition text, -- BDS 14
  postcode text, -- BDS 16
  city text,
  municipality_code text check (municipality_code ~ '^GM[0-9]{4}$'),
  created_at timestamptz not null default now(),
  unique (organisation_ura, dossier_number),
  unique (organisation_ura, bsn)
);
create index client_family_name on client (organisation_ura, lower(family_name));
create index client_birth_date on client (organisation_ura, birth_date);

-- Custodians, parents without custody and legal representatives of a client.
create table related_person (
  id uuid primary key default gen_random_uuid(),
  organisation_ura text not null references organisation (ura),
  bsn text check (bsn ~ '^[0-9]{9}$'),
  given_name text not null,
  name_prefix text,
  family_name text not null,
  gender text not null check (gender in ('0', '1', '2', '3')),
  birth_date date
);

create table client_relation (
  client_id uuid not null references client (id),
  person_id uuid not null references related_person (id),
  relation text not null check (relation in ('parent', 'guardian', 'legal-representative')),
  has_custody boolean not null,
  primary key (client_id, person_id, relation)
);
create index client_relation_person on client_relation (person_id);

-- Append-only trail of who read or changed what (R-C8). Never updated or deleted.
create table audit_event (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor_id text not null,
  organisation_ura text,
  action text not null,
  subject_type text not null,
  subject_id text,
  request_id text
);
create index audit_event_subject on audit_event (subject_type, subject_id);

create function audit_event_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_event is append-only';
end $$;
create trigger audit_event_append_only before update or delete on audit_event
  for each row execute function audit_event_is_append_only();

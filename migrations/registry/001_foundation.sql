-- Registry (Praeventis analogue): the national population and, later, vaccinations.

create table municipality (
  code text primary key check (code ~ '^GM[0-9]{4}$'), -- CBS code
  name text not null,
  province text not null
);

create table organisation (
  ura text primary key check (ura ~ '^[0-9]{8}$'),
  name text not null
);

create table staff_user (
  id text primary key,
  name text not null,
  role text not null check (role in ('registry-staff', 'registry-analyst', 'municipality-officer')),
  organisation_name text not null,
  municipality_code text references municipality (code), -- set for municipality officers only
  created_at timestamptz not null default now()
);

-- Persons from the civil registry (BRP) and the asylum agency (COA) (R-R1).
create table person (
  id uuid primary key default gen_random_uuid(),
  bsn text not null unique check (bsn ~ '^[0-9]{9}$'),
  source text not null check (source in ('brp', 'coa')),
  given_name text not null,
  name_prefix text,
  family_name text not null,
  gender text not null check (gender in ('0', '1', '2', '3')),
  birth_date date not null,
  street text,
  house_number integer,
  house_letter text,
  house_number_addition text,
  postcode text,
  city text,
  municipality_code text references municipality (code),
  deceased_on date,
  emigrated_on date,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index person_municipality on person (municipality_code, birth_date);

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

-- Group sessions "first consent, then vaccinate" (SPEC §6; seed 001 §4.4–4.9), issue 9.
-- A planner plans a session (location, dates, vaccines with a preset batch, a cohort); the cohort's
-- members get consent-request letters with a response card whose barcode is a consent_request code.
-- Whether a youth was vaccinated is not stored here: it is the dossier's own activity of that day.

create table group_session (
  id uuid primary key default gen_random_uuid(),
  organisation_ura text not null references organisation (ura),
  name text not null check (length(name) between 1 and 200),
  location text not null check (length(location) between 1 and 50), -- BDS 1452 of the vaccinations
  -- How a youth or custodian reaches a professional; every letter states it (seed 001 §4.8).
  contact text not null check (length(contact) between 6 and 300),
  -- The cohort (seed 001 §4.8 "selectie van jeugdigen"): birth dates, municipalities (empty = all),
  -- and whether only youth for whom a session vaccine is due by the schedule are taken.
  birth_from date not null,
  birth_to date not null,
  municipality_codes jsonb not null default '[]', -- CBS codes (GM…)
  only_due boolean not null default true,
  created_by text not null,
  created_at timestamptz not null default now(),
  check (birth_from <= birth_to)
);
create index group_session_organisation on group_session (organisation_ura, created_at);

create table group_session_date (
  session_id uuid not null references group_session (id),
  session_date date not null,
  primary key (session_id, session_date)
);

-- The vaccines given at the session, each with the batch (BDS 472) preset by the planner.
create table group_session_vaccine (
  session_id uuid not null references group_session (id),
  vaccine_type text not null, -- BDS 461, W0422
  batch_number text not null check (length(batch_number) between 1 and 50),
  primary key (session_id, vaccine_type)
);

create table group_session_member (
  session_id uuid not null references group_session (id),
  client_id uuid not null references client (id),
  organisation_ura text not null references organisation (ura),
  added_at timestamptz not null default now(),
  added_by text not null,
  checked_in_at timestamptz,
  checked_in_by text,
  -- Why the nurse did not vaccinate (refused, unwell, contraindication, absent, other), with a note.
  not_vaccinated_reason text check (not_vaccinated_reason in ('refused', 'unwell', 'contraindication', 'absent', 'other')),
  not_vaccinated_note text check (length(not_vaccinated_note) <= 500),
  primary key (session_id, client_id)
);
create index group_session_member_client on group_session_member (client_id);

-- Every personalised letter with a barcode: a consent request (session or sweep), a reminder, a
-- confirmation. The code on the card identifies the youth and the addressee; it is random, so it
-- reveals nothing about the person.
create table consent_request (
  id uuid primary key default gen_random_uuid(),
  organisation_ura text not null references organisation (ura),
  code text not null,
  client_id uuid not null references client (id),
  -- null: the youth themself; otherwise the custodian or legal representative addressed.
  recipient_person_id uuid references related_person (id),
  kind text not null check (kind in ('request', 'reminder', 'confirmation')),
  session_id uuid references group_session (id),
  sweep_run_id uuid, -- foreign key added with sweep_run (009)
  issued_on date not null,
  issued_by text not null,
  issued_at timestamptz not null default now(),
  -- When the returned card was scanned and its answers registered.
  answered_at timestamptz,
  answered_by text,
  unique (organisation_ura, code)
);
create index consent_request_client on consent_request (client_id, issued_on);
create index consent_request_session on consent_request (session_id);

grant select, insert, update on group_session, group_session_date, group_session_vaccine,
  group_session_member, consent_request to rvp_app;

alter table group_session enable row level security;
create policy group_session_own on group_session using (organisation_ura = rvp_current_organisation());
alter table group_session_date enable row level security;
create policy group_session_date_own on group_session_date
  using (exists (select 1 from group_session s where s.id = session_id));
alter table group_session_vaccine enable row level security;
create policy group_session_vaccine_own on group_session_vaccine
  using (exists (select 1 from group_session s where s.id = session_id));
alter table group_session_member enable row level security;
create policy group_session_member_own on group_session_member
  using (organisation_ura = rvp_current_organisation());
alter table consent_request enable row level security;
create policy consent_request_own on consent_request using (organisation_ura = rvp_current_organisation());

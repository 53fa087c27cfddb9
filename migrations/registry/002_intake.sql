-- Intake of vaccination messages 4/4a and repairs (R-R5, R-V4), consent facts (R-C7).

-- The latest version received per (organisation, activity id): idempotency and repairs.
create table received_activity (
  organisation_ura text not null,
  activity_id text not null,
  version integer not null,
  kind text not null check (kind in ('personalised', 'anonymous')),
  received_at timestamptz not null default now(),
  primary key (organisation_ura, activity_id)
);

create table vaccination_event (
  id uuid primary key default gen_random_uuid(),
  person_id uuid not null references person (id),
  organisation_ura text not null,
  activity_id text not null,
  activity_type text not null,
  activity_date date not null,
  version integer not null,
  vaccine_type text not null,
  vaccination_date date not null,
  batch_number text not null,
  performer text not null,
  location text not null,
  objection text,
  received_at timestamptz not null default now()
);
create index vaccination_event_person on vaccination_event (person_id);
create index vaccination_event_activity on vaccination_event (organisation_ura, activity_id);

-- Anonymous vaccinations: no link to any person, ever (R-R5).
create table anonymous_vaccination (
  id uuid primary key default gen_random_uuid(),
  organisation_ura text not null,
  activity_id text not null,
  activity_type text not null,
  activity_date date not null,
  dossier_status text not null,
  version integer not null,
  vaccine_type text not null,
  vaccination_date date not null,
  batch_number text not null,
  performer text not null,
  location text not null,
  received_at timestamptz not null default now()
);
create index anonymous_vaccination_activity on anonymous_vaccination (organisation_ura, activity_id);

-- R-C7: all the registry may know of consent: that it was given, its date, and who registered it.
create table consent_fact (
  person_id uuid not null references person (id),
  organisation_ura text not null,
  consent_date date not null,
  received_at timestamptz not null default now(),
  primary key (person_id, organisation_ura)
);

-- Personalised messages whose BSN is unknown wait here for registry staff (R-R5).
create table intake_worklist (
  id uuid primary key default gen_random_uuid(),
  organisation_ura text not null,
  activity_id text not null,
  version integer not null,
  reason_code text not null,
  reason text not null,
  message jsonb not null,
  received_at timestamptz not null default now(),
  resolved_at timestamptz
);

-- Refused messages: why, without any personal data (the message itself is not kept).
create table intake_refusal (
  id bigserial primary key,
  organisation_ura text,
  activity_id text,
  version integer,
  rule text not null,
  reason text not null,
  received_at timestamptz not null default now()
);

-- A citizen's request to unlink their personal data (R-R6); it also blocks status queries.
create table unlink_request (
  id uuid primary key default gen_random_uuid(),
  person_id uuid not null references person (id),
  requested_at timestamptz not null default now(),
  registered_by text not null
);
create index unlink_request_person on unlink_request (person_id);

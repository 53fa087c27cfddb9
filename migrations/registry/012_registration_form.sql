-- The registration form (RVP Online analogue, R-V6): vaccinations of youth without a BSN, submitted by
-- an organisation outside the message exchange, personalised (with consent) or anonymous. A
-- personalised form is matched to a person (typically a COA registration) when exactly one person
-- fits; otherwise it waits, unmatched, for registry staff. The identifying data is kept only for a
-- personalised form (consent was given) and only as long as it is unmatched.
create table registration_form (
  id uuid primary key default gen_random_uuid(),
  organisation_ura text not null,
  activity_id text not null,
  version integer not null,
  kind text not null check (kind in ('personalised', 'anonymous')),
  status text not null check (status in ('matched', 'unmatched', 'anonymous', 'kept-anonymous')),
  person_id uuid references person (id),
  -- Identifying data of a personalised form (names, birth date, gender, address); null otherwise.
  identity jsonb,
  consent_date date,
  activity jsonb not null,
  vaccinations jsonb not null,
  received_at timestamptz not null default now(),
  resolved_by text,
  resolved_at timestamptz,
  unique (organisation_ura, activity_id),
  check (kind = 'personalised' or identity is null),
  check ((status = 'matched') = (person_id is not null))
);
create index registration_form_unmatched on registration_form (received_at) where status = 'unmatched';

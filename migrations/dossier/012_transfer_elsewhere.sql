-- Issue 12: dossier transfer (R-V8), vaccinating elsewhere (R-V9), registration form for youth
-- without a BSN (R-V6). Provenance is kept on everything that came from another organisation.

-- A dossier that went to another organisation is closed here (BDS 696 '02'); a non-active dossier kept
-- only to register a vaccination given elsewhere names the organisation that has the youth in care.
alter table client
  add column transferred_to_ura text check (transferred_to_ura ~ '^[0-9]{8}$'),
  add column transferred_on date,
  add column caring_ura text check (caring_ura ~ '^[0-9]{8}$');

-- Provenance of consent evidence copied in with a transfer: the organisation that registered it and
-- the record's id there. Null for records registered by this organisation.
alter table consent_record add column origin_ura text, add column origin_record_id uuid;
alter table competence_judgement add column origin_ura text, add column origin_judgement_id uuid;

-- The transfer document (DOB analogue) as the sending organisation made it, and its acceptance. Both
-- organisations see the row; the document is the only thing the receiver reads of the sender.
create table dossier_transfer (
  id uuid primary key default gen_random_uuid(),
  from_ura text not null references organisation (ura),
  to_ura text not null references organisation (ura),
  from_client_id uuid not null references client (id),
  to_client_id uuid references client (id),
  transfer_date date not null,
  -- The consent decision at the sender on the transfer date; the receiver must reach the same one.
  consent_decision text not null check (consent_decision in ('toestemming', 'geen-toestemming')),
  document jsonb not null,
  -- 'withdrawn': the sender took the offer back before acceptance; its dossier is active again.
  state text not null default 'offered' check (state in ('offered', 'accepted', 'withdrawn')),
  offered_by text not null,
  offered_at timestamptz not null default now(),
  accepted_by text,
  accepted_at timestamptz,
  withdrawn_by text,
  withdrawn_at timestamptz,
  check (from_ura <> to_ura)
);
create index dossier_transfer_to on dossier_transfer (to_ura, state);
create unique index dossier_transfer_open on dossier_transfer (from_client_id) where state = 'offered';

-- BDS "Toestemming verstrekken informatie aan derden" with its source and explanation ("Toelichting
-- verstrekking informatie aan derden"): here, consent to tell the caring organisation (R-V9).
create table third_party_consent (
  id uuid primary key default gen_random_uuid(),
  client_id uuid not null references client (id),
  organisation_ura text not null references organisation (ura),
  agreed boolean not null,
  -- The seed notes this element still has the old source values; we keep who gave it, plainly.
  source text not null check (source in ('youth', 'custodian', 'legal-representative')),
  recipient_ura text not null check (recipient_ura ~ '^[0-9]{8}$'),
  explanation text not null check (length(explanation) between 1 and 500),
  consent_date date not null,
  registered_by text not null,
  registered_at timestamptz not null default now()
);
create index third_party_consent_client on third_party_consent (client_id, consent_date);
create trigger third_party_consent_append_only before update or delete on third_party_consent
  for each row execute function evidence_is_append_only();

-- A vaccination given elsewhere, told to the caring organisation (R-V9).
create table third_party_notification (
  id uuid primary key default gen_random_uuid(),
  from_ura text not null references organisation (ura),
  to_ura text not null references organisation (ura),
  from_client_id uuid not null references client (id),
  from_activity_pk uuid not null references activity (id),
  consent_id uuid not null references third_party_consent (id),
  document jsonb not null,
  state text not null check (state in ('delivered', 'unmatched')),
  to_client_id uuid references client (id),
  to_activity_pk uuid references activity (id),
  created_by text not null,
  created_at timestamptz not null default now(),
  -- Set when the receiver linked an unmatched notification to one of its dossiers by hand.
  linked_by text,
  linked_at timestamptz,
  unique (from_activity_pk, to_ura)
);
create index third_party_notification_to on third_party_notification (to_ura, state);

-- What went to the registry through the registration form (R-V6), outside the message exchange.
create table registration_form_submission (
  id uuid primary key default gen_random_uuid(),
  organisation_ura text not null references organisation (ura),
  client_id uuid not null references client (id),
  activity_pk uuid not null references activity (id),
  version integer not null,
  kind text not null check (kind in ('personalised', 'anonymous')),
  outcome text not null,
  registry_reference text,
  registry_reason text,
  submitted_by text not null,
  submitted_at timestamptz not null default now()
);
create index registration_form_submission_activity on registration_form_submission (activity_pk);

grant select, insert, update on dossier_transfer, third_party_notification to rvp_app;
grant select, insert on third_party_consent, registration_form_submission to rvp_app;

alter table dossier_transfer enable row level security;
create policy dossier_transfer_parties on dossier_transfer
  using (from_ura = rvp_current_organisation() or to_ura = rvp_current_organisation());

alter table third_party_consent enable row level security;
create policy third_party_consent_own on third_party_consent using (organisation_ura = rvp_current_organisation());

alter table third_party_notification enable row level security;
create policy third_party_notification_parties on third_party_notification
  using (from_ura = rvp_current_organisation() or to_ura = rvp_current_organisation());

alter table registration_form_submission enable row level security;
create policy registration_form_submission_own on registration_form_submission
  using (organisation_ura = rvp_current_organisation());

-- Vaccinations (R-V1) and the durable outbox of the exchange with the registry (R-V5).

create table activity (
  id uuid primary key default gen_random_uuid(),
  organisation_ura text not null references organisation (ura),
  client_id uuid not null references client (id),
  activity_id text not null check (activity_id ~ '^[A-Za-z0-9]{1,10}$'), -- BDS 1377: random, never from the person
  activity_type text not null, -- BDS 494
  activity_date date not null, -- BDS 724
  -- Provenance: the organisation in whose dossier the activity was recorded. Repairs (R-C5) are
  -- only ever sent for activities of the sending organisation's own origin.
  origin_ura text not null,
  version integer not null default 1 check (version >= 1),
  created_by text not null,
  created_at timestamptz not null default now(),
  unique (organisation_ura, activity_id)
);
create index activity_client on activity (client_id);

create table vaccination (
  id uuid primary key default gen_random_uuid(),
  activity_pk uuid not null references activity (id),
  vaccine_type text not null, -- BDS 461, W0422
  vaccination_date date not null, -- BDS 1409
  batch_number text not null check (length(batch_number) between 1 and 50), -- BDS 472
  performer text not null check (length(performer) between 1 and 50), -- BDS 1336
  location text not null check (length(location) between 1 and 50), -- BDS 1452
  objection text check (objection in ('1', '2', '98')), -- BDS 683, W0323
  status text not null default 'active' check (status in ('active', 'cancelled')),
  recorded_by text not null,
  recorded_at timestamptz not null default now(),
  changed_by text,
  changed_at timestamptz
);
create index vaccination_activity on vaccination (activity_pk);

-- One row per activity version to deliver. Which message (4 or 4a) is decided when it is sent.
create table outbox_message (
  id uuid primary key default gen_random_uuid(),
  organisation_ura text not null references organisation (ura),
  activity_pk uuid not null references activity (id),
  version integer not null,
  reason text not null check (reason in ('new', 'correction', 'cancellation', 'repair')),
  urgency text not null check (urgency in ('nightly', 'immediate')),
  -- Nightly rows wait for the nightly run to release them; immediate rows are released at once.
  released boolean not null,
  state text not null default 'queued' check (state in ('queued', 'sent', 'held', 'refused', 'superseded')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  sent_kind text check (sent_kind in ('personalised', 'anonymous')),
  sent_at timestamptz,
  registry_outcome text,
  registry_reason text,
  created_at timestamptz not null default now(),
  unique (activity_pk, version)
);
create index outbox_message_due on outbox_message (state, released, next_attempt_at);

-- Demo signing keys per organisation (production: the organisation's certificate in an HSM).
create table organisation_signing_key (
  kid text primary key,
  organisation_ura text not null references organisation (ura),
  private_jwk jsonb not null,
  public_jwk jsonb not null,
  created_at timestamptz not null default now()
);

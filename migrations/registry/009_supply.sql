-- Vaccine supply (SPEC §8; seed 002 annex B 4–13, B1, B2). See docs/supply.md.
-- Stock is a ledger: every change is a movement row, so the stock per fridge is a sum and the
-- history is evidence. Administrations are not per fridge (the registry knows organisation, not fridge).

create table supply_location (
  id text primary key check (id ~ '^[A-Z0-9-]{2,20}$'),
  organisation_ura text not null references organisation (ura),
  name text not null,
  municipality_code text references municipality (code)
);

create table supply_fridge (
  id text primary key check (id ~ '^[A-Z0-9-]{2,30}$'),
  location_id text not null references supply_location (id),
  name text not null
);

-- A delivery by the RIVM (annex B 5, 7): one line per vaccine and batch; the organisation confirms each
-- line, and a discrepancy must be reported within one working day.
create table supply_delivery (
  id uuid primary key default gen_random_uuid(),
  fridge_id text not null references supply_fridge (id),
  delivered_on date not null,
  confirm_before date not null,
  registered_by text not null,
  registered_at timestamptz not null default now()
);

create table supply_delivery_line (
  id uuid primary key default gen_random_uuid(),
  delivery_id uuid not null references supply_delivery (id),
  vaccine_type text not null,
  batch_number text not null,
  expiry_date date,
  quantity integer not null check (quantity > 0),
  confirmed_quantity integer check (confirmed_quantity >= 0),
  confirmed_by text,
  confirmed_at timestamptz,
  discrepancy_note text,
  late boolean,
  unique (delivery_id, vaccine_type, batch_number)
);

create table supply_movement (
  id bigserial primary key,
  fridge_id text not null references supply_fridge (id),
  vaccine_type text not null,
  batch_number text not null,
  quantity integer not null check (quantity <> 0),
  kind text not null check (kind in ('delivery', 'inventory-correction', 'loss', 'recall', 'quarantine', 'release')),
  occurred_on date not null,
  reference text,
  registered_by text not null,
  registered_at timestamptz not null default now()
);
create index supply_movement_fridge on supply_movement (fridge_id, vaccine_type, batch_number);
create index supply_movement_batch on supply_movement (batch_number);

-- Incidents (annex B 9): cold-chain incidents quarantine the vaccines until the registry decides.
create table supply_incident (
  id uuid primary key default gen_random_uuid(),
  fridge_id text not null references supply_fridge (id),
  kind text not null check (kind in ('cold-chain', 'breakage', 'expired', 'other')),
  vaccine_type text not null,
  batch_number text not null,
  quantity integer not null check (quantity > 0),
  occurred_on date not null,
  description text not null,
  status text not null check (status in ('quarantined', 'released', 'lost')),
  reported_by text not null,
  reported_at timestamptz not null default now(),
  decided_by text,
  decided_at timestamptz,
  decision_note text,
  check ((status = 'quarantined') = (decided_at is null))
);

-- Batch recalls (annex B 11).
create table supply_recall (
  id uuid primary key default gen_random_uuid(),
  vaccine_type text not null,
  batch_number text not null,
  reason text not null,
  started_by text not null,
  started_at timestamptz not null default now(),
  unique (vaccine_type, batch_number)
);

-- Inventory counts (annex B1): per fridge, vaccine and batch on an inventory day, with the
-- plausibility check against the expected stock.
create table supply_inventory_count (
  id uuid primary key default gen_random_uuid(),
  fridge_id text not null references supply_fridge (id),
  count_date date not null,
  vaccine_type text not null,
  counted integer not null check (counted >= 0),
  expected integer not null,
  plausible boolean not null,
  reason text not null,
  registered_by text not null,
  registered_at timestamptz not null default now(),
  unique (fridge_id, count_date, vaccine_type)
);

-- The half-year/February reports and the loss select vaccinations by date; a recall by batch.
create index vaccination_event_date on vaccination_event (vaccination_date);
create index vaccination_event_batch on vaccination_event (vaccine_type, batch_number);
create index anonymous_vaccination_date on anonymous_vaccination (vaccination_date);
create index anonymous_vaccination_batch on anonymous_vaccination (vaccine_type, batch_number);

-- Invitations and reminders (R-R4). A run selects, per person, the vaccinations whose scheduled date
-- falls in its period; invitations are unique per (person, vaccine group, dose, kind), so re-running
-- a period, or overlapping periods, never sends a letter twice. Letters are rendered on demand.

alter table municipality add column organisation_ura text; -- the organisation that invites there

create table invitation_run (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('invitation', 'reminder', 'group-session')),
  period_from date not null,
  period_to date not null,
  session_date date,
  organisation_ura text,
  started_by text not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  -- Keyset cursor: the run continues after this person when resumed.
  cursor_person_id uuid,
  persons_seen integer not null default 0,
  invitations integer not null default 0,
  letters integer not null default 0,
  check (period_from <= period_to)
);
create unique index invitation_run_period on invitation_run (kind, period_from, period_to, coalesce(organisation_ura, ''));

create table invitation_letter (
  id uuid primary key default gen_random_uuid(),
  run_id uuid not null references invitation_run (id),
  person_id uuid not null references person (id),
  organisation_ura text,
  kind text not null,
  with_certificate boolean not null,
  created_at timestamptz not null default now()
);
create index invitation_letter_run on invitation_letter (run_id);

create table invitation (
  id uuid primary key default gen_random_uuid(),
  run_id uuid not null references invitation_run (id),
  letter_id uuid not null references invitation_letter (id),
  person_id uuid not null references person (id),
  organisation_ura text,
  kind text not null check (kind in ('invitation', 'reminder', 'group-session')),
  vaccine_group text not null,
  dose_number integer not null,
  due_date date not null,
  description text not null,
  -- For a reminder: the invitation it follows up.
  follows_invitation_id uuid references invitation (id),
  created_at timestamptz not null default now(),
  unique (person_id, vaccine_group, dose_number, kind)
);
create index invitation_created on invitation (kind, created_at);

-- Sweeps (veegacties, seed 001 §4.9–4.11), issue 9: monthly or on demand, each a list of youth plus
-- letters. A monthly run is made once per organisation, kind and month (the unique period), so the job
-- may be started as often as one likes.

create table sweep_run (
  id uuid primary key default gen_random_uuid(),
  organisation_ura text not null references organisation (ura),
  kind text not null check (kind in ('turned-12', 'turning-16', 'no-consent', 'non-responders')),
  reference_date date not null,
  parameters jsonb not null default '{}',
  trigger text not null check (trigger in ('monthly', 'on-demand')),
  -- 'YYYY-MM' for monthly runs; null on demand.
  period text check (period ~ '^\d{4}-\d{2}$'),
  started_by text not null,
  started_at timestamptz not null default now(),
  member_count integer not null default 0,
  check ((trigger = 'monthly') = (period is not null))
);
create unique index sweep_run_monthly on sweep_run (organisation_ura, kind, period) where period is not null;
create index sweep_run_organisation on sweep_run (organisation_ura, started_at);

create table sweep_run_member (
  run_id uuid not null references sweep_run (id),
  client_id uuid not null references client (id),
  -- Why this youth: e.g. the birthday, the decision now and then, or the missing parties.
  detail jsonb not null default '{}',
  primary key (run_id, client_id)
);

-- The call list for non-responders (seed 001 §4.9) needs a number to call. Often unknown, so optional;
-- digits with an optional leading + and spaces or dashes as typed.
alter table related_person add column phone text check (phone ~ '^\+?[0-9][0-9 -]{5,19}$');

alter table consent_request
  add constraint consent_request_sweep_run foreign key (sweep_run_id) references sweep_run (id);

grant select, insert, update on sweep_run, sweep_run_member to rvp_app;
alter table sweep_run enable row level security;
create policy sweep_run_own on sweep_run using (organisation_ura = rvp_current_organisation());
alter table sweep_run_member enable row level security;
create policy sweep_run_member_own on sweep_run_member
  using (exists (select 1 from sweep_run r where r.id = run_id));

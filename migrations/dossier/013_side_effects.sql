-- Side effects (bijwerkingen) reported after a vaccination, recorded by a professional, exported for
-- the national pharmacovigilance centre (Lareb). See docs/side-effects.md.
create table side_effect_report (
  id uuid primary key default gen_random_uuid(),
  organisation_ura text not null references organisation (ura),
  client_id uuid not null references client (id),
  vaccination_id uuid not null references vaccination (id),
  reported_on date not null,
  reporter text not null check (reporter in ('custodian', 'youth', 'professional', 'other')),
  onset_date date not null,
  reactions text[] not null check (cardinality(reactions) between 1 and 10),
  description text not null check (length(description) between 1 and 2000),
  serious boolean not null,
  seriousness text[] not null default '{}',
  outcome text not null check (outcome in ('recovered', 'recovering', 'not-recovered', 'recovered-with-sequelae', 'fatal', 'unknown')),
  registered_by text not null,
  registered_at timestamptz not null default now(),
  check (serious = (cardinality(seriousness) > 0))
);
create index side_effect_report_org on side_effect_report (organisation_ura, reported_on);
create index side_effect_report_client on side_effect_report (client_id);
create trigger side_effect_report_append_only before update or delete on side_effect_report
  for each row execute function evidence_is_append_only();

grant select, insert on side_effect_report to rvp_app;
alter table side_effect_report enable row level security;
create policy side_effect_report_own on side_effect_report using (organisation_ura = rvp_current_organisation());

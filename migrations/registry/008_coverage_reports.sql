-- Coverage (vaccinatiegraad) and reports (R-R7, SPEC §9). See docs/coverage.md.

-- Per person: the coverage indicators met (bit i = src/domain/coverage COVERAGE_INDICATORS bit i),
-- from the registry's own validity judgement. Persons without vaccinations have no row (met = 0).
create table coverage_person (
  person_id uuid primary key references person (id) on delete cascade,
  met integer not null default 0,
  valid_doses integer not null default 0,
  assessed_on date not null
);

-- Personalised doses the registry judged not valid (most are valid: keep the small set).
create table coverage_dose_not_valid (
  vaccination_id uuid primary key,
  person_id uuid not null,
  status text not null
);
create index coverage_dose_not_valid_person on coverage_dose_not_valid (person_id);

-- Persons whose vaccinations changed since their status was computed; refreshCoverage empties it.
create table coverage_dirty (person_id uuid primary key);

-- Doses per organisation, vaccine and month, personalised and anonymous: kept by statement-level
-- triggers so reports and the anonymous estimate never scan the vaccination tables.
create table coverage_dose_month (
  organisation_ura text not null,
  vaccine_type text not null,
  month date not null,
  personalised integer not null default 0,
  anonymous integer not null default 0,
  primary key (organisation_ura, vaccine_type, month)
);

create function coverage_mark_inserted() returns trigger language plpgsql as $$
begin
  insert into coverage_dirty (person_id) select distinct person_id from new_rows on conflict do nothing;
  insert into coverage_dose_month (organisation_ura, vaccine_type, month, personalised)
    select organisation_ura, vaccine_type, date_trunc('month', vaccination_date)::date, count(*)
    from new_rows group by 1, 2, 3 order by 1, 2, 3
    on conflict (organisation_ura, vaccine_type, month)
    do update set personalised = coverage_dose_month.personalised + excluded.personalised;
  return null;
end $$;

create function coverage_mark_deleted() returns trigger language plpgsql as $$
begin
  insert into coverage_dirty (person_id)
    select distinct o.person_id from old_rows o join person p on p.id = o.person_id on conflict do nothing;
  update coverage_dose_month c set personalised = c.personalised - d.n
    from (select organisation_ura, vaccine_type, date_trunc('month', vaccination_date)::date as month, count(*) as n
          from old_rows group by 1, 2, 3) d
    where c.organisation_ura = d.organisation_ura and c.vaccine_type = d.vaccine_type and c.month = d.month;
  return null;
end $$;

create trigger coverage_vaccination_inserted after insert on vaccination_event
  referencing new table as new_rows for each statement execute function coverage_mark_inserted();
create trigger coverage_vaccination_deleted after delete on vaccination_event
  referencing old table as old_rows for each statement execute function coverage_mark_deleted();

create function coverage_anonymous_inserted() returns trigger language plpgsql as $$
begin
  insert into coverage_dose_month (organisation_ura, vaccine_type, month, anonymous)
    select organisation_ura, vaccine_type, date_trunc('month', vaccination_date)::date, count(*)
    from new_rows group by 1, 2, 3 order by 1, 2, 3
    on conflict (organisation_ura, vaccine_type, month)
    do update set anonymous = coverage_dose_month.anonymous + excluded.anonymous;
  return null;
end $$;

create function coverage_anonymous_deleted() returns trigger language plpgsql as $$
begin
  update coverage_dose_month c set anonymous = c.anonymous - d.n
    from (select organisation_ura, vaccine_type, date_trunc('month', vaccination_date)::date as month, count(*) as n
          from old_rows group by 1, 2, 3) d
    where c.organisation_ura = d.organisation_ura and c.vaccine_type = d.vaccine_type and c.month = d.month;
  return null;
end $$;

create trigger coverage_anonymous_inserted after insert on anonymous_vaccination
  referencing new table as new_rows for each statement execute function coverage_anonymous_inserted();
create trigger coverage_anonymous_deleted after delete on anonymous_vaccination
  referencing old table as old_rows for each statement execute function coverage_anonymous_deleted();

-- A corrected birth date changes which doses fall before the age limits.
create function coverage_person_changed() returns trigger language plpgsql as $$
begin
  insert into coverage_dirty (person_id) values (new.id) on conflict do nothing;
  return null;
end $$;
create trigger coverage_person_birth_date after update of birth_date on person
  for each row when (old.birth_date is distinct from new.birth_date) execute function coverage_person_changed();

-- Doses already registered before this migration: count them once, and mark their persons.
insert into coverage_dose_month (organisation_ura, vaccine_type, month, personalised)
  select organisation_ura, vaccine_type, date_trunc('month', vaccination_date)::date, count(*)
  from vaccination_event group by 1, 2, 3;
insert into coverage_dose_month (organisation_ura, vaccine_type, month, anonymous)
  select organisation_ura, vaccine_type, date_trunc('month', vaccination_date)::date, count(*)
  from anonymous_vaccination group by 1, 2, 3
  on conflict (organisation_ura, vaccine_type, month) do update set anonymous = excluded.anonymous;
insert into coverage_dirty (person_id) select distinct person_id from vaccination_event;

-- Consultation items (afstemmingsoverleg): falling coverage, loss above 1%.
create table consultation_item (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('coverage-drop', 'loss-above-1pct')),
  municipality_code text references municipality (code),
  organisation_ura text,
  subject text not null, -- indicator code or vaccine type
  period text not null, -- cohort year or loss period
  details jsonb not null,
  status text not null default 'open' check (status in ('open', 'closed')),
  opened_at timestamptz not null default now(),
  opened_by text not null,
  closed_at timestamptz,
  closed_by text
);
-- One open item per subject: re-running the check does not open it twice.
create unique index consultation_item_open on consultation_item
  (kind, coalesce(municipality_code, ''), coalesce(organisation_ura, ''), subject, period) where status = 'open';

-- The organisation's explanation with the 30 April report (seed 002 art. 6.2b).
create table report_explanation (
  organisation_ura text not null,
  year integer not null check (year between 2000 and 2100),
  text text not null check (length(text) between 1 and 5000),
  registered_by text not null,
  registered_at timestamptz not null default now(),
  primary key (organisation_ura, year)
);

-- Budget per municipality and year (seed 002 art. 6.1) and the price per vaccination used to turn
-- actual vaccinations into what would have been needed (art. 6.2d, equalisation reserve).
create table municipality_budget (
  municipality_code text not null references municipality (code),
  year integer not null check (year between 2000 and 2100),
  budget_cents bigint not null check (budget_cents >= 0),
  price_per_vaccination_cents integer not null check (price_per_vaccination_cents > 0),
  primary key (municipality_code, year)
);

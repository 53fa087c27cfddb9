-- Issue 8: doses per organisation, vaccine and month are appended as signed counts, as
-- coverage_cohort's population is (migration 017), instead of updated in place. Each intake group's
-- statement upserted a few hundred of these rows (26 organisations × a dozen vaccines × the months
-- of the doses): every upsert walked the row's chain of dead versions, and the intake could not take
-- the audit chain's lock after its triggers without risking a deadlock on these rows with an unlink
-- or a registration form (docs/performance.md, seventh round).
-- Invariant: summed per key, the rows count the doses stored. Readers sum; nothing reads one row.
-- `coverage_dose_month_compact` folds the rows into one per key; refreshCoverage calls it when it ends.
alter table coverage_dose_month drop constraint coverage_dose_month_pkey;

create or replace function coverage_mark_inserted() returns trigger language plpgsql as $$
begin
  insert into coverage_dirty (person_id) select distinct person_id from new_rows on conflict do nothing;
  insert into coverage_dose_month (organisation_ura, vaccine_type, month, personalised)
    select organisation_ura, vaccine_type, date_trunc('month', vaccination_date)::date, count(*)
    from new_rows group by 1, 2, 3;
  return null;
end $$;

create or replace function coverage_mark_deleted() returns trigger language plpgsql as $$
begin
  insert into coverage_dirty (person_id)
    select distinct o.person_id from old_rows o join person p on p.id = o.person_id on conflict do nothing;
  insert into coverage_dose_month (organisation_ura, vaccine_type, month, personalised)
    select organisation_ura, vaccine_type, date_trunc('month', vaccination_date)::date, -count(*)
    from old_rows group by 1, 2, 3;
  return null;
end $$;

create or replace function coverage_anonymous_inserted() returns trigger language plpgsql as $$
begin
  insert into coverage_dose_month (organisation_ura, vaccine_type, month, anonymous)
    select organisation_ura, vaccine_type, date_trunc('month', vaccination_date)::date, count(*)
    from new_rows group by 1, 2, 3;
  return null;
end $$;

create or replace function coverage_anonymous_deleted() returns trigger language plpgsql as $$
begin
  insert into coverage_dose_month (organisation_ura, vaccine_type, month, anonymous)
    select organisation_ura, vaccine_type, date_trunc('month', vaccination_date)::date, -count(*)
    from old_rows group by 1, 2, 3;
  return null;
end $$;

-- Folds the appended counts into one row per key (keys whose counts sum to 0 go). Rows appended
-- meanwhile by other transactions are not in this statement's snapshot and stay as they are.
create function coverage_dose_month_compact() returns void language sql as $$
  -- One compaction at a time: two whole-table deletes could take their rows in different orders.
  select pg_advisory_xact_lock(hashtext('coverage_dose_month_compact'));
  with taken as (delete from coverage_dose_month returning *)
  insert into coverage_dose_month (organisation_ura, vaccine_type, month, personalised, anonymous)
    select organisation_ura, vaccine_type, month, sum(personalised)::int, sum(anonymous)::int from taken
    group by 1, 2, 3 having sum(personalised) <> 0 or sum(anonymous) <> 0
$$;

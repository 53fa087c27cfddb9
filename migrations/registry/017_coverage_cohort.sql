-- Issue 8: the coverage report's population pass, maintained instead of recomputed. Measured on the
-- national registry (3.5 M persons), grouping `person` joined to `coverage_person` by municipality,
-- birth year and sex took 7.6 s of a 10.1 s report (target 5 s). This table holds that grouping for
-- every person, by the indicators met (`coverage_person.met`, 0 without a row); the report sums it
-- and subtracts the few persons who had died or emigrated by its reference date (partial index below).
-- Invariant, kept by the triggers: summed per key, every person counts once, at (its municipality,
-- birth year, sex, its coverage_person.met or 0).
-- The triggers only append signed counts, never update a shared row: a BRP import and a coverage
-- refresh running at once take no locks on it, so they cannot deadlock on it. `coverage_cohort_compact`
-- folds the counts into one row per key; refreshCoverage calls it when it is done.
create table coverage_cohort (
  municipality_code text,
  birth_year integer not null,
  female boolean not null,
  met integer not null,
  persons integer not null
);
create index coverage_cohort_year on coverage_cohort (birth_year);

-- Adds signed counts for persons at a given met, at their current municipality, birth year and sex
-- (persons no longer there add nothing). One grouped insert per statement, not one per row.
create function coverage_cohort_add(person_ids uuid[], mets integer[], counts integer[]) returns void
language sql as $$
  insert into coverage_cohort (municipality_code, birth_year, female, met, persons)
    select p.municipality_code, extract(year from p.birth_date)::int, p.gender = '2', d.met, sum(d.n)::int
    from unnest(person_ids, mets, counts) as d(person_id, met, n) join person p on p.id = d.person_id
    group by 1, 2, 3, 4 having sum(d.n) <> 0
$$;

-- coverage_person: a row inserted moves its person from met 0 to its met; a row deleted moves it back
-- (when the person itself is being deleted, its own trigger took it out first and it adds nothing
-- here); a row updated moves it from the old met to the new. Statement-level: refreshCoverage writes
-- in batches of thousands.
create function coverage_cohort_met_inserted() returns trigger language plpgsql as $$
begin
  perform coverage_cohort_add(
    array(select person_id from new_rows union all select person_id from new_rows),
    array(select 0 from new_rows union all select met from new_rows),
    array(select -1 from new_rows union all select 1 from new_rows));
  return null;
end $$;

create function coverage_cohort_met_deleted() returns trigger language plpgsql as $$
begin
  perform coverage_cohort_add(
    array(select person_id from old_rows union all select person_id from old_rows),
    array(select met from old_rows union all select 0 from old_rows),
    array(select -1 from old_rows union all select 1 from old_rows));
  return null;
end $$;

create function coverage_cohort_met_updated() returns trigger language plpgsql as $$
begin
  perform coverage_cohort_add(
    array(select person_id from old_rows union all select person_id from new_rows),
    array(select met from old_rows union all select met from new_rows),
    array(select -1 from old_rows union all select 1 from new_rows));
  return null;
end $$;

create trigger coverage_cohort_met_inserted after insert on coverage_person
  referencing new table as new_rows for each statement execute function coverage_cohort_met_inserted();
create trigger coverage_cohort_met_deleted after delete on coverage_person
  referencing old table as old_rows for each statement execute function coverage_cohort_met_deleted();
create trigger coverage_cohort_met_updated after update on coverage_person
  referencing old table as old_rows new table as new_rows
  for each statement execute function coverage_cohort_met_updated();

-- person: new persons count at met 0 (a coverage_person row can only follow them); a change of
-- municipality, birth date or sex moves a person with its met; a deleted person is taken out before
-- the delete, while its coverage_person row (removed by the cascade after it) still says its met.
create function coverage_cohort_person_inserted() returns trigger language plpgsql as $$
begin
  insert into coverage_cohort (municipality_code, birth_year, female, met, persons)
    select n.municipality_code, extract(year from n.birth_date)::int, n.gender = '2', coalesce(s.met, 0),
      count(*)::int
    from new_rows n left join coverage_person s on s.person_id = n.id
    group by 1, 2, 3, 4;
  return null;
end $$;

create function coverage_cohort_person_moved() returns trigger language plpgsql as $$
declare
  m integer := coalesce((select met from coverage_person where person_id = new.id), 0);
begin
  insert into coverage_cohort (municipality_code, birth_year, female, met, persons)
    values (old.municipality_code, extract(year from old.birth_date)::int, old.gender = '2', m, -1),
           (new.municipality_code, extract(year from new.birth_date)::int, new.gender = '2', m, 1);
  return null;
end $$;

create function coverage_cohort_person_deleted() returns trigger language plpgsql as $$
begin
  insert into coverage_cohort (municipality_code, birth_year, female, met, persons)
    values (old.municipality_code, extract(year from old.birth_date)::int, old.gender = '2',
            coalesce((select met from coverage_person where person_id = old.id), 0), -1);
  return old;
end $$;

create trigger coverage_cohort_person_inserted after insert on person
  referencing new table as new_rows for each statement execute function coverage_cohort_person_inserted();
create trigger coverage_cohort_person_moved after update of municipality_code, birth_date, gender on person
  for each row when (
    old.municipality_code is distinct from new.municipality_code
    or extract(year from old.birth_date) <> extract(year from new.birth_date)
    or (old.gender = '2') <> (new.gender = '2'))
  execute function coverage_cohort_person_moved();
create trigger coverage_cohort_person_deleted before delete on person
  for each row execute function coverage_cohort_person_deleted();

-- Folds the appended counts into one row per key (keys summing to 0 go). Rows appended meanwhile
-- by other transactions are not in this statement's snapshot and stay as they are.
create function coverage_cohort_compact() returns void language sql as $$
  -- One compaction at a time: two whole-table deletes could take their rows in different orders.
  select pg_advisory_xact_lock(hashtext('coverage_cohort_compact'));
  with taken as (delete from coverage_cohort returning *)
  insert into coverage_cohort (municipality_code, birth_year, female, met, persons)
    select municipality_code, birth_year, female, met, sum(persons)::int from taken
    group by 1, 2, 3, 4 having sum(persons) <> 0
$$;

-- Persons already registered.
insert into coverage_cohort (municipality_code, birth_year, female, met, persons)
  select p.municipality_code, extract(year from p.birth_date)::int, p.gender = '2', coalesce(s.met, 0), count(*)
  from person p left join coverage_person s on s.person_id = p.id
  group by 1, 2, 3, 4;

-- The report subtracts persons who had died or emigrated by its reference date: few, found here.
create index person_left on person (birth_date) where deceased_on is not null or emigrated_on is not null;

-- Issue 8: an invitation run walks every person who is alive and in the country, in id order, in
-- batches: first to find where each batch ends, then to read it. On the national registry (3.5 M
-- persons, a 700 MB heap against 128 MB of shared buffers) each of those reads fetched every person's
-- heap row from a random page. This index holds what the run reads (birth date, sex, municipality)
-- for exactly the persons it selects, in the order it walks them, so both reads are index-only
-- scans. Measured on the national registry, same batches, same run: PostgreSQL's CPU 151 s -> 101 s,
-- the run 111.7 s -> 82.1 s.
create index person_selectable on person (id) include (birth_date, gender, municipality_code)
  where deceased_on is null and emigrated_on is null;

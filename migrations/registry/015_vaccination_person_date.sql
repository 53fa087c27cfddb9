-- Issue 8: an invitation run's pre-filter asks, for each person of a batch, whether any dose falls in
-- the period's windows. Measured on a national registry (37 M doses, 3.5 M persons), that test
-- fetched every dose's heap row (random pages of a 9 GB table) just to read its date. With the date in
-- the person index the test is an index-only scan; the index replaces the one on person_id alone,
-- which it serves for every other lookup by person.
create index vaccination_event_person_date on vaccination_event (person_id, vaccination_date);
drop index vaccination_event_person;

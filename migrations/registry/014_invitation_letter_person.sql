-- Issue 8: every invitation batch asks which of its persons had an invitation letter before (the
-- first one carries the vaccination certificate, R-R4). Without this index that read scanned all
-- letters, ~900,000 more a year, once per batch of a national run.
create index invitation_letter_person on invitation_letter (person_id, kind);

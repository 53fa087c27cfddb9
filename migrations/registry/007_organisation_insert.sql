-- R-R4: an organisation may add one double-sided A4 insert to its invitation letters.
create table organisation_insert (
  organisation_ura text primary key,
  pdf bytea not null,
  uploaded_by text not null,
  uploaded_at timestamptz not null default now()
);

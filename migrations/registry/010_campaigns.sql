-- Campaigns with proactive invitations (SPEC §7, seed 000): an invitation that already carries an
-- appointment (location, date, time). Capacity is enforced here, not only in the application: a
-- trigger keeps campaign_slot.booked equal to the slot's booked appointments and a check refuses
-- booked > capacity, so concurrent bookings can never overbook a slot.

-- "Regie uitnodigen bij 1 organisatie": exactly one organisation is in charge of inviting.
create table campaign_inviter (
  singleton boolean primary key default true check (singleton),
  organisation_name text not null check (length(organisation_name) between 1 and 200),
  organisation_ura text,
  set_by text not null,
  set_at timestamptz not null default now()
);

create table campaign (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  description text not null check (length(description) between 1 and 500),
  reference_date date not null,
  min_age integer not null check (min_age between 0 and 130),
  max_age integer check (max_age between 0 and 130),
  municipality_codes text[] not null default '{}',
  comparison_share numeric(4, 3) not null default 0 check (comparison_share between 0 and 1),
  reminder_days_before integer not null default 3 check (reminder_days_before between 0 and 60),
  inviting_organisation text not null, -- copied from campaign_inviter: who sent, as it was then
  created_by text not null,
  created_at timestamptz not null default now(),
  selected_at timestamptz,
  check (max_age is null or max_age >= min_age)
);

create table campaign_location (
  id uuid primary key default gen_random_uuid(),
  campaign_id uuid not null references campaign (id),
  name text not null check (length(name) between 1 and 200),
  address text not null check (length(address) between 1 and 300),
  municipality_code text references municipality (code)
);
create index campaign_location_campaign on campaign_location (campaign_id);

create table campaign_slot (
  id uuid primary key default gen_random_uuid(),
  campaign_id uuid not null references campaign (id),
  location_id uuid not null references campaign_location (id),
  slot_date date not null,
  start_time text not null check (start_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  capacity integer not null check (capacity between 1 and 10000),
  booked integer not null default 0,
  constraint campaign_slot_no_overbooking check (booked between 0 and capacity),
  unique (location_id, slot_date, start_time)
);
create index campaign_slot_campaign on campaign_slot (campaign_id, slot_date, start_time);

-- Every invitation records who sent it (user) and for which organisation (seed 000: "zicht op wie
-- uitnodigt"). group: 'appointment' (proactive) or 'plain' (comparison group, no appointment).
create table campaign_invitation (
  id uuid primary key default gen_random_uuid(),
  campaign_id uuid not null references campaign (id),
  person_id uuid not null references person (id),
  invitation_group text not null check (invitation_group in ('appointment', 'plain')),
  sent_by text not null,
  sent_by_organisation text not null,
  sent_at timestamptz not null default now(),
  unique (campaign_id, person_id)
);
create index campaign_invitation_person on campaign_invitation (person_id);

create table campaign_appointment (
  id uuid primary key default gen_random_uuid(),
  invitation_id uuid not null references campaign_invitation (id),
  slot_id uuid not null references campaign_slot (id),
  status text not null default 'booked' check (status in ('booked', 'moved', 'cancelled')),
  created_by text not null,
  created_at timestamptz not null default now(),
  ended_by text,
  ended_at timestamptz,
  check ((status = 'booked') = (ended_at is null))
);
-- Each person at most one booked appointment per campaign (the invitation is per person and campaign).
create unique index campaign_appointment_one_booked on campaign_appointment (invitation_id) where status = 'booked';
create index campaign_appointment_slot on campaign_appointment (slot_id);

create function campaign_slot_count() returns trigger language plpgsql as $$
begin
  if tg_op in ('UPDATE') and old.status = 'booked' and (new.status <> 'booked' or new.slot_id <> old.slot_id) then
    update campaign_slot set booked = booked - 1 where id = old.slot_id;
  end if;
  if (tg_op = 'INSERT' and new.status = 'booked')
     or (tg_op = 'UPDATE' and new.status = 'booked' and (old.status <> 'booked' or new.slot_id <> old.slot_id)) then
    -- The row lock on the slot serialises concurrent bookings; the check refuses the one too many.
    update campaign_slot set booked = booked + 1 where id = new.slot_id;
  end if;
  return new;
end $$;
create trigger campaign_appointment_count after insert or update on campaign_appointment
  for each row execute function campaign_slot_count();
create function campaign_appointment_no_delete() returns trigger language plpgsql as $$
begin
  raise exception 'campaign_appointment rows are history: cancel, do not delete';
end $$;
create trigger campaign_appointment_keep before delete on campaign_appointment
  for each row execute function campaign_appointment_no_delete();

create table campaign_reminder (
  id uuid primary key default gen_random_uuid(),
  appointment_id uuid not null unique references campaign_appointment (id),
  sent_by text not null,
  sent_at timestamptz not null default now()
);

-- Attendance is recorded at the location; with or without an appointment (the comparison group walks in).
create table campaign_attendance (
  invitation_id uuid primary key references campaign_invitation (id),
  location_id uuid not null references campaign_location (id),
  attended_on date not null,
  recorded_by text not null,
  recorded_at timestamptz not null default now()
);

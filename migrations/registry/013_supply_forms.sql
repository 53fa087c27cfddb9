-- Issue 10, the location's own forms (seed 002 annex B 7, 9): what a location actually received on a
-- delivery line (batch and expiry as on the vials, next to the delivery note), and the measured
-- temperatures and duration of a cold-chain incident, which the registry needs for its decision.
alter table supply_delivery_line add column received_batch_number text;
alter table supply_delivery_line add column received_expiry_date date;

alter table supply_incident add column min_temperature numeric(4, 1);
alter table supply_incident add column max_temperature numeric(4, 1);
alter table supply_incident add column duration_minutes integer check (duration_minutes > 0);

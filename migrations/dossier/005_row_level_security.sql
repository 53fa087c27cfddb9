-- Per-organisation isolation in the database (issue 5): requests of staff run as the role rvp_app with
-- rvp.organisation_ura set for the transaction; row-level security then hides every other
-- organisation's rows, whatever a query forgets to filter. Machine jobs (the exchange sender, the demo
-- loader, migrations) run as the owner, across organisations.

do $$
begin
  create role rvp_app nologin;
exception when duplicate_object then null; -- roles are per cluster; another database made it
end $$;

grant usage on schema public to rvp_app;
grant select on organisation to rvp_app;
grant select on staff_user to rvp_app;
grant select, insert, update on client, related_person, client_relation, activity, vaccination, outbox_message to rvp_app;
grant select, insert on consent_record, consent_record_end, competence_judgement, audit_event to rvp_app;
grant usage on all sequences in schema public to rvp_app;

create function rvp_current_organisation() returns text language sql stable as $$
  select nullif(current_setting('rvp.organisation_ura', true), '')
$$;

alter table client enable row level security;
create policy client_own on client using (organisation_ura = rvp_current_organisation());

alter table related_person enable row level security;
create policy related_person_own on related_person using (organisation_ura = rvp_current_organisation());

alter table client_relation enable row level security;
create policy client_relation_own on client_relation
  using (exists (select 1 from client c where c.id = client_id));

alter table consent_record enable row level security;
create policy consent_record_own on consent_record using (organisation_ura = rvp_current_organisation());

alter table consent_record_end enable row level security;
create policy consent_record_end_own on consent_record_end
  using (exists (select 1 from consent_record r where r.id = record_id));

alter table competence_judgement enable row level security;
create policy competence_judgement_own on competence_judgement using (organisation_ura = rvp_current_organisation());

alter table activity enable row level security;
create policy activity_own on activity using (organisation_ura = rvp_current_organisation());

alter table vaccination enable row level security;
create policy vaccination_own on vaccination using (exists (select 1 from activity a where a.id = activity_pk));

alter table outbox_message enable row level security;
create policy outbox_message_own on outbox_message using (organisation_ura = rvp_current_organisation());

alter table staff_user enable row level security;
create policy staff_user_own on staff_user using (organisation_ura = rvp_current_organisation());

alter table audit_event enable row level security;
create policy audit_event_read_own on audit_event for select using (organisation_ura = rvp_current_organisation());
create policy audit_event_write_own on audit_event for insert with check (organisation_ura = rvp_current_organisation());

-- The chain must see the whole trail to link to the last entry, whoever writes.
alter function audit_event_chain() security definer;

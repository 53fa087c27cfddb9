-- Issue 8: the intake probes the vaccination tables for rows to replace only when a message repairs an
-- activity it received before (received_activity holds its version). That needs every stored
-- vaccination to have its received activity. The intake, the registration form and the bench's
-- generator always wrote both; the supply demo wrote vaccinations alone (now it writes both). This
-- adds the missing ones, once.
insert into received_activity (organisation_ura, activity_id, version, kind)
  select organisation_ura, activity_id, max(version), kind
  from (select organisation_ura, activity_id, version, 'personalised' as kind from vaccination_event
        union all
        select organisation_ura, activity_id, version, 'anonymous' from anonymous_vaccination) v
  where not exists (select 1 from received_activity r
                    where r.organisation_ura = v.organisation_ura and r.activity_id = v.activity_id)
  group by organisation_ura, activity_id, kind
  on conflict do nothing;

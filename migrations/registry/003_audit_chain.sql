-- Hash-chained audit trail (R-C8): each entry carries the hash of the one before it, so changing or
-- removing an entry breaks the chain, which `rvp audit verify` detects. The chain order is `seq`,
-- the previous entry's + 1 taken under a lock inside the trigger: ids are allocated before the lock
-- and may interleave, and a sequence would leave gaps after a rollback.

alter table audit_event add column seq bigint, add column prev_hash text, add column hash text;

create function audit_event_hash(prev text, e audit_event) returns text language sql immutable as $$
  select encode(sha256(convert_to(concat_ws('|',
    prev, e.seq::text, to_char(e.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    e.actor_id, coalesce(e.organisation_ura, ''), e.action, e.subject_type,
    coalesce(e.subject_id, ''), coalesce(e.request_id, '')), 'UTF8')), 'hex')
$$;

create function audit_event_chain() returns trigger language plpgsql as $$
declare
  last_hash text;
  last_seq bigint;
begin
  -- One writer at a time extends the chain; held until this transaction ends.
  perform pg_advisory_xact_lock(hashtext('rvp-audit-chain'));
  select seq, hash into last_seq, last_hash from audit_event where seq is not null order by seq desc limit 1;
  new.seq := coalesce(last_seq, 0) + 1;
  new.prev_hash := coalesce(last_hash, 'genesis');
  new.hash := audit_event_hash(new.prev_hash, new);
  return new;
end $$;

-- Entries written before the chain existed are chained now, in id order.
do $$
declare
  e audit_event;
  last_hash text := 'genesis';
  n bigint := 0;
begin
  for e in select * from audit_event order by id loop
    n := n + 1;
    e.seq := n;
    e.prev_hash := last_hash;
    e.hash := audit_event_hash(last_hash, e);
    execute 'alter table audit_event disable trigger audit_event_append_only';
    update audit_event set seq = e.seq, prev_hash = e.prev_hash, hash = e.hash where id = e.id;
    execute 'alter table audit_event enable trigger audit_event_append_only';
    last_hash := e.hash;
  end loop;
end $$;

alter table audit_event alter column seq set not null, alter column prev_hash set not null, alter column hash set not null;
create unique index audit_event_seq on audit_event (seq);
create trigger audit_event_chain before insert on audit_event for each row execute function audit_event_chain();

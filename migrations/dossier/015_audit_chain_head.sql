-- Issue 8, as registry migration 020 (where the chain's trigger cost 20–23 µs per entry, one entry per
-- intake message). Two savings, the same chain (src/db/audit-verify.ts checks it independently):
-- * The head (seq, hash) the trigger just wrote is kept for the rest of the transaction in a
--   transaction-local setting, tagged with the transaction's id: the next entry of a multi-row insert
--   links to it without reading the table again. The setting ends with the transaction and is undone
--   with a rolled-back savepoint, as the entries are; the chain's lock is held to the end anyway.
--   A head tagged with another transaction's id is not trusted.
-- * audit_event_hash is stable, not immutable: to_char is stable, and a SQL function is only inlined
--   when its body is no more volatile than declared. Inlined, the hash costs no executor start-up.
alter function audit_event_hash(text, audit_event) stable;
-- Security definer, as migration 005 made it: the chain must see the whole trail, whoever writes.

create or replace function audit_event_chain() returns trigger language plpgsql security definer as $$
declare
  head text[] := string_to_array(current_setting('rvp.audit_chain_head', true), ':');
  last_hash text;
  last_seq bigint;
begin
  -- One writer at a time extends the chain; held until this transaction ends.
  perform pg_advisory_xact_lock(hashtext('rvp-audit-chain'));
  if head[1] = txid_current()::text then
    last_seq := head[2]::bigint;
    last_hash := head[3];
  else
    select seq, hash into last_seq, last_hash from audit_event where seq is not null order by seq desc limit 1;
  end if;
  new.seq := coalesce(last_seq, 0) + 1;
  new.prev_hash := coalesce(last_hash, 'genesis');
  new.hash := audit_event_hash(new.prev_hash, new);
  perform set_config('rvp.audit_chain_head', concat_ws(':', txid_current(), new.seq, new.hash), true);
  return new;
end $$;

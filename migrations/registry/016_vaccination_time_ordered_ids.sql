-- Issue 8: new vaccinations get time-ordered ids (UUID version 7, RFC 9562: 48 bits of Unix
-- milliseconds, then random bits). With random ids, every insert into a 37 M-row table dirtied a random
-- leaf page of the primary key; time-ordered ids go to its right edge, which stays in memory. Ids
-- already stored keep their value: an id is an identifier, never read for its time.
-- PostgreSQL 18 has uuidv7(); 15 and PGlite do not, hence this function.
create function uuid_v7() returns uuid
language sql volatile parallel safe
as $$
  -- A version-4 UUID's first 6 bytes replaced by the time; version bits 0100 -> 0111 (set_bit counts
  -- from each byte's least significant bit: bits 52 and 53 are in byte 6's high nibble).
  select encode(
    set_bit(set_bit(
      overlay(uuid_send(gen_random_uuid())
        placing substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
        from 1 for 6),
      52, 1), 53, 1),
    'hex')::uuid
$$;

alter table vaccination_event alter column id set default uuid_v7();
alter table anonymous_vaccination alter column id set default uuid_v7();

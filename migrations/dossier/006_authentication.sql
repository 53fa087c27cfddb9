-- Staff sign in with a password (argon2id hash) and are locked out after repeated failures.
alter table staff_user
  add column password_hash text,
  add column failed_sign_ins integer not null default 0,
  add column locked_until timestamptz;

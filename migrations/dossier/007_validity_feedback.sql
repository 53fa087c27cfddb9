-- R-R3: the registry's judgement of doses it found not valid, as answered to the delivery.
alter table outbox_message add column validity_feedback jsonb;

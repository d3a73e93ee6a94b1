-- bench/w7/unchained.sql: W7 comparator: the same correction on a plain copy of the referral
-- (safeguard_bench.floor_referral) plus an explicit INSERT of an audit row of the same shape
-- (audit_event's columns and indexes, hashes and chain position as constants) in the same
-- statement: an append with no chain lock, no head read, no hash (and no guard).  Same
-- referrals, values and roles as bench/w7/chained.sql.
\set id :lo + :client_id * :per + random(0, :per - 1)
\set v random(1, 1000000000)
WITH u AS (
    UPDATE safeguard_bench.floor_referral r SET la_contact = 'Duty desk ' || :v
     WHERE r.id = :id
    RETURNING r.id, r.case_id, r.la_contact
)
INSERT INTO safeguard_bench.floor_audit (recorded_at, business_time, txid, login_role, acting_role,
    organisation_id, duty, table_name, row_key, case_id, action, from_state, to_state, changes,
    application_name, client_addr, chain_key, chain_seq, prev_hash, row_hash)
SELECT clock_timestamp(), now(), pg_current_xact_id(), session_user, current_user, NULL,
       'la_officer', 'referral', u.id::text, u.case_id, 'UPDATE', 'acknowledged', 'acknowledged',
       jsonb_build_object('la_contact', jsonb_build_object('old', NULL, 'new', u.la_contact)),
       current_setting('application_name'), inet_client_addr(), 'case:' || u.case_id, 0,
       '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea,
       '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea
  FROM u;

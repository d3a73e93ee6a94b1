-- bench/w1/floor.sql: W1 comparator "floor": the bare UPDATE plus an explicit audit INSERT of
-- the same content into safeguard_bench.floor_audit (audit_event's shape and indexes), in one
-- statement (one round trip, like the others), with no check, no stamp, no chain and no hash.
-- Set-up and roles as bench/w1/safeguard.sql, plus bench/w1/comparators.sql.
WITH u AS (
    UPDATE safeguard_bench.floor_referral r
       SET state = 'decided', la_decision = 'section_42_enquiry',
           la_decision_rationale = 'Bench: the section 42 threshold is met.'
     WHERE id = (SELECT nextval('safeguard_bench.next_floor'))
    RETURNING r.id, r.case_id, r.la_decision, r.la_decision_rationale
)
INSERT INTO safeguard_bench.floor_audit (recorded_at, business_time, txid, login_role, acting_role,
    organisation_id, duty, table_name, row_key, case_id, action, from_state, to_state, changes,
    application_name, client_addr)
SELECT clock_timestamp(), now(), pg_current_xact_id(), session_user, current_user, NULL,
       'la_officer', 'referral', u.id::text, u.case_id, 'UPDATE', 'acknowledged', 'decided',
       jsonb_build_object('state', jsonb_build_object('old', 'acknowledged', 'new', 'decided'),
                          'la_decision', jsonb_build_object('old', NULL, 'new', u.la_decision),
                          'la_decision_rationale', jsonb_build_object('old', NULL, 'new', u.la_decision_rationale)),
       current_setting('application_name'), inet_client_addr()
  FROM u;

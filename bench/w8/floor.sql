-- bench/w8/floor.sql: W8 comparator "floor" (the SQL floor): the bare UPDATE plus an explicit
-- audit INSERT of the same content into safeguard_bench.floor_audit (audit_event's shape and
-- indexes), in one statement, with no check, no stamp, no chain and no hash.
WITH u AS (
    UPDATE safeguard_bench.floor_enquiry e SET state = 'allocated', allocated_to = :officer
     WHERE id = (SELECT nextval('safeguard_bench.next_floor'))
    RETURNING e.id, e.case_id, e.allocated_to
)
INSERT INTO safeguard_bench.floor_audit (recorded_at, business_time, txid, login_role, acting_role,
    organisation_id, duty, table_name, row_key, case_id, action, from_state, to_state, changes,
    application_name, client_addr)
SELECT clock_timestamp(), now(), pg_current_xact_id(), session_user, current_user, NULL,
       'sam', 'la_enquiry', u.id::text, u.case_id, 'UPDATE', 'decided', 'allocated',
       jsonb_build_object('state', jsonb_build_object('old', 'decided', 'new', 'allocated'),
                          'allocated_to', jsonb_build_object('old', NULL, 'new', u.allocated_to::text)),
       current_setting('application_name'), inet_client_addr()
  FROM u;

-- demo/03_audit.sql: the tamper-evident audit trail.  Read-only apart from
-- the seal that audit_digest() records.
\pset footer off
SET client_min_messages = notice;

\echo
\echo '== The audit trail verifies: every chain recomputed, no broken row =='
SELECT count(*) AS audit_rows, count(DISTINCT chain_key) AS chains FROM safeguard.audit_event;
SELECT coalesce((SELECT problem FROM safeguard.verify_audit()), 'no broken row') AS verify_audit;

\echo
\echo '== A digest to keep off-host (sg1:<seal>:<sha256>); verify against it later =='
SELECT safeguard.audit_digest() AS digest \gset
\echo :digest
SELECT coalesce((SELECT problem FROM safeguard.verify_audit(:'digest')), 'digest verified') AS verify_with_digest;

\echo
\echo '== The journey of the first case, as CQC case tracking shows it =='
SELECT j.audit_id, j.acting_role, j.duty, j.organisation, j.table_name, j.action,
       j.from_state, j.to_state
FROM safeguard.case_journey((SELECT min(id) FROM safeguard.safeguarding_case)) AS j
ORDER BY j.audit_id;

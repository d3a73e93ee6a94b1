-- bench/w1/safeguard.sql: W1, one valid referral transition through safeguard per transaction.
--
-- The recipient local authority's officer decides an acknowledged referral (acknowledged ->
-- decided, with the decision and its rationale): a raw UPDATE of safeguard.referral, so the
-- C guard checks it (duty and organisation, the transition, the columns it may change, the
-- rationale), stamps decided_by/decided_org_id/decided_at, and the audit trigger appends the
-- row to the case's hash chain; the transaction commits synchronously (audited).
--
-- Set-up (bench/w1.sh does it): bench/w1/setup.sql as a superuser with psql variables cc,
-- insp, officer (role names), then CALL safeguard_bench.grow_pool(n) for n acknowledged
-- referrals.  Run it with the sessions acting as the officer role:
--   PGOPTIONS='-c role=<officer>' pgbench -n -M prepared -f bench/w1/safeguard.sql ...
-- Each transaction takes the next referral from sequence safeguard_bench.next_sg (so clients
-- never collide and every transaction finds its referral acknowledged); the sequence's
-- MAXVALUE is the pool's last id, so a run that outgrows the pool aborts instead of measuring
-- something else.  safeguard_bench.left_in_pool('safeguard_bench.next_sg') says how many are left.
UPDATE safeguard.referral
   SET state = 'decided', la_decision = 'section_42_enquiry',
       la_decision_rationale = 'Bench: the section 42 threshold is met.'
 WHERE id = (SELECT nextval('safeguard_bench.next_sg'));

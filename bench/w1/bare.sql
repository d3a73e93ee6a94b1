-- bench/w1/bare.sql: W1 comparator "bare": the same UPDATE on safeguard_bench.bare_referral, a
-- plain copy of the pool (no trigger, no foreign key, no row-level security, no audit).
-- Set-up and roles as bench/w1/safeguard.sql, plus bench/w1/comparators.sql.
UPDATE safeguard_bench.bare_referral
   SET state = 'decided', la_decision = 'section_42_enquiry',
       la_decision_rationale = 'Bench: the section 42 threshold is met.'
 WHERE id = (SELECT nextval('safeguard_bench.next_bare'));

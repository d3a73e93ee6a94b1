-- bench/w1/plpgsql.sql: W1 comparator "plpgsql": the same UPDATE on safeguard_bench.pl_referral,
-- whose PL/pgSQL triggers implement the same rules and the same hash-chained audit
-- (bench/w1/comparators.sql).  Set-up and roles as bench/w1/safeguard.sql.
UPDATE safeguard_bench.pl_referral
   SET state = 'decided', la_decision = 'section_42_enquiry',
       la_decision_rationale = 'Bench: the section 42 threshold is met.'
 WHERE id = (SELECT nextval('safeguard_bench.next_pl'));

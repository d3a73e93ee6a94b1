-- bench/audit_chain.sh, workload A (distinct chains): one concern per
-- transaction, each about a new adult, so each opens a case and starts a
-- chain of its own (case:<id>: case opened, concern logged, triage deadline
-- set: three audit rows).  pgbench variable: la (the local authority's id).
SELECT safeguard.log_concern(now(), 'phone', 'relative',
    'Bench: a concern about an adult with no open case.',
    '{Neglect and Acts of Omission}', la_id => :la,
    referrer_name => 'Bench Referrer', referrer_phone => '07700 900123',
    adult_nhs_number => safeguard_bench.nhs_number(nextval('safeguard_bench.adult_seq')));

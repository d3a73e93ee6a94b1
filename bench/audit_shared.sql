-- bench/audit_chain.sh, workload B (one shared chain): one concern per
-- transaction, every one about the same adult, so each joins the same open
-- case and appends to the same chain (concern logged, triage deadline set:
-- two audit rows): the worst case, like a single global chain head.
-- pgbench variable: la (the local authority's id).
SELECT safeguard.log_concern(now(), 'phone', 'relative',
    'Bench: a concern about the adult every transaction is about.',
    '{Neglect and Acts of Omission}', la_id => :la,
    referrer_name => 'Bench Referrer', referrer_phone => '07700 900123',
    adult_nhs_number => safeguard_bench.nhs_number(0));

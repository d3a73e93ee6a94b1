-- bench/audit_chain.sh, workload C (unchained comparator): a concern-sized
-- row per transaction into a plain logged table with a primary key only: no
-- trigger, no validation, no case, no audit row, no chain.  Same durability
-- (synchronous commit).  pgbench variable: la (the local authority's id).
INSERT INTO safeguard_bench.bare_concern (received_at, channel, source, description,
    risk_types, la_id, referrer_name, referrer_phone, adult_nhs_number)
VALUES (now(), 'phone', 'relative', 'Bench: a concern about an adult with no open case.',
    '{Neglect and Acts of Omission}', :la, 'Bench Referrer', '07700 900123',
    safeguard_bench.nhs_number(nextval('safeguard_bench.bare_seq') % 10000000));

-- bench/w8/safeguard.sql: W8, one council enquiry allocated through safeguard per transaction.
--
-- The authority's manager (SAM) allocates a decided enquiry to its officer (decided ->
-- allocated): a raw UPDATE of safeguard.la_enquiry, as allocate_enquiry() issues it, so the C
-- guard checks it (the duty and authority, the transition, the columns it may change, the
-- officer works for the authority), stamps allocated_by/allocated_at, the after trigger
-- meets nothing and the audit trigger appends the row to the case's hash chain.  Sessions act
-- as the manager (PGOPTIONS -c role=...); :officer is the officer's role name (pgbench -D).
UPDATE safeguard.la_enquiry SET state = 'allocated', allocated_to = :officer
 WHERE id = (SELECT nextval('safeguard_bench.next_sg'));

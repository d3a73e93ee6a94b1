-- bench/w8/bare.sql: W8 comparator "bare": the same UPDATE on a plain copy of la_enquiry,
-- no trigger, no check, no audit.
UPDATE safeguard_bench.bare_enquiry SET state = 'allocated', allocated_to = :officer
 WHERE id = (SELECT nextval('safeguard_bench.next_bare'));

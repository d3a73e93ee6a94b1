-- bench/w7/chained.sql: W7, one audit append through safeguard per transaction.
--
-- The recipient authority's officer corrects the local authority contact of an acknowledged
-- referral (a correction, not a transition: it can repeat forever), so safeguard's guard checks
-- it and its audit trigger appends one row to the referral's case chain: the chain's row
-- lock, the head read, SHA-256, the insert, a synchronous commit.  Client c uses only
-- referrals :lo + c * :per .. + :per - 1 (pgbench -D), so no two clients share a chain.
-- Sessions act as the officer role.  Set-up: bench/w1/setup.sql and comparators.sql.
\set id :lo + :client_id * :per + random(0, :per - 1)
\set v random(1, 1000000000)
UPDATE safeguard.referral SET la_contact = 'Duty desk ' || :v WHERE id = :id;

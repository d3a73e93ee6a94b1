-- bench/w2/safeguard.sql: W2, one rejected referral transition through safeguard per transaction.
--
-- The contact centre's clerk (a duty, but not the one the transition needs) tries to decide an
-- acknowledged referral: the C guard refuses with 42501 (the decide transition needs the
-- recipient authority's la_officer).  The UPDATE runs inside safeguard_bench.w2_try_sg(id)
-- (bench/w1/comparators.sql), which catches exactly that SQLSTATE (an error would abort the
-- pgbench client) and raises if the UPDATE was not refused; bench/w2/plpgsql.sql calls the
-- same function body on the PL/pgSQL comparator.  Referrals: the pool's reserved ones, ids
-- :lo .. :hi (pgbench -D), never changed.  Sessions act as the contact-centre role.
\set id random(:lo, :hi)
SELECT safeguard_bench.w2_try_sg(:id);

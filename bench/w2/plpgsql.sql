-- bench/w2/plpgsql.sql: W2 comparator: the same rejected transition on the PL/pgSQL
-- implementation (safeguard_bench.pl_referral), through safeguard_bench.w2_try_pl(id), whose
-- body is w2_try_sg's with the other table.  See bench/w2/safeguard.sql.
\set id random(:lo, :hi)
SELECT safeguard_bench.w2_try_pl(:id);

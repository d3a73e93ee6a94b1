/*
 * bench/w1/setup.sql: the people and the referral pool of the referral
 * workloads (W1 valid transition, W2 rejected transition, W3 one statement
 * over many rows; W6 runs W1's safeguard script during a sweep).
 *
 * Load it with psql, as a superuser, into a database where the extension
 * exists and schema safeguard_bench does not, with these psql variables:
 *   cc       role name of the contact-centre clerk (regulator)
 *   insp     role name of the inspector (regulator)
 *   officer  role name of the local authority's safeguarding officer
 *   reserved how many pool referrals W2 may use and nothing consumes (optional,
 *            default 1000)
 * (bench/w1.sh passes <database>_cc, <database>_insp, <database>_officer; the
 * roles are created NOLOGIN here and the pgbench sessions take them with
 * PGOPTIONS=-c role=...).  Then grow the pool:
 *   CALL safeguard_bench.grow_pool(n);    -- n more acknowledged referrals
 * and load the comparators with bench/w1/comparators.sql (which also copies
 * the pool into them; grow_pool keeps them identical afterwards).
 *
 * What it creates (schema safeguard_bench):
 *   organisations BENCH-CQC (regulator), BENCH-LA (local authority) and
 *                 BENCH-LA2 (another authority, to show the officer's scope)
 *   the duties    :cc contact_centre and :insp inspector for the regulator,
 *                 :officer la_officer for BENCH-LA
 *   grow_pool(n)  n more referrals, each driven through the real workflow
 *                 (a concern logged by :cc with no adult named, so a case of
 *                 its own; triaged refer_to_la by :insp; sent by :cc;
 *                 acknowledged by :officer): they wait in state acknowledged,
 *                 ready for the decide transition (acknowledged -> decided) of
 *                 W1.  Their ids are consecutive; pool_lo/pool_hi in
 *                 safeguard_bench.pool give the range.
 *   pool          one row: the first and last pool ids, and how many at the
 *                 start of the range are reserved for W2 (never consumed)
 *   next_sg       the sequence W1's safeguard script takes its referral from
 *                 (starts after the reserved ones; its MAXVALUE is pool_hi, so
 *                 a run that outgrows the pool fails loudly instead of
 *                 measuring refusals)
 */
SET client_min_messages = warning;
CREATE SCHEMA safeguard_bench;
COMMENT ON SCHEMA safeguard_bench IS 'Benchmark scaffolding of bench/w1 (scratch database only).';

INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('regulator', 'Bench Care Quality Commission', 'BENCH-CQC');
INSERT INTO safeguard.organisation (kind, name, code, division, senior_contact_name, senior_contact_email)
VALUES ('local_authority', 'Bench County Council', 'BENCH-LA', 'england-and-wales',
        'Bench Senior', 'senior@la.example'),
       ('local_authority', 'Bench Borough Council', 'BENCH-LA2', 'england-and-wales',
        'Other Senior', 'senior@la2.example');

CREATE ROLE :"cc" NOLOGIN;
CREATE ROLE :"insp" NOLOGIN;
CREATE ROLE :"officer" NOLOGIN;
SELECT safeguard.grant_duty(:'cc', 'contact_centre', (SELECT id FROM safeguard.organisation WHERE code = 'BENCH-CQC')) > 0 AS ok \gset
SELECT safeguard.grant_duty(:'insp', 'inspector', (SELECT id FROM safeguard.organisation WHERE code = 'BENCH-CQC')) > 0 AS ok \gset
SELECT safeguard.grant_duty(:'officer', 'la_officer', (SELECT id FROM safeguard.organisation WHERE code = 'BENCH-LA')) > 0 AS ok \gset

CREATE TABLE safeguard_bench.pool (
    one      boolean PRIMARY KEY DEFAULT true CHECK (one),
    pool_lo  bigint,
    pool_hi  bigint,
    reserved integer NOT NULL,
    cc       text NOT NULL,
    insp     text NOT NULL,
    officer  text NOT NULL
);
COMMENT ON TABLE safeguard_bench.pool IS 'The acknowledged referrals of the pool: ids pool_lo .. pool_hi; the first reserved ones are W2''s.';
\if :{?reserved}
\else
\set reserved 1000
\endif
INSERT INTO safeguard_bench.pool (reserved, cc, insp, officer)
VALUES (:reserved, :'cc', :'insp', :'officer');

CREATE SEQUENCE safeguard_bench.next_sg;
COMMENT ON SEQUENCE safeguard_bench.next_sg IS 'The next pool referral W1''s safeguard script decides.';
GRANT USAGE ON SCHEMA safeguard_bench TO :"cc", :"insp", :"officer";
GRANT USAGE ON SEQUENCE safeguard_bench.next_sg TO :"officer";

/*
 * Adds n acknowledged referrals to the pool through the real workflow,
 * committing every 200 (so it must be CALLed outside a transaction block).
 * Each new referral is one concern with no adult named (a case, so an audit
 * chain, of its own), triaged refer_to_la, sent and acknowledged.  Then calls
 * safeguard_bench.after_grow(lo, hi) when it exists (the comparators copy the
 * new rows), and moves the pool range and the sequences' MAXVALUE.
 */
CREATE PROCEDURE safeguard_bench.grow_pool(n integer)
LANGUAGE plpgsql AS $$
DECLARE
    p safeguard_bench.pool;
    la bigint := (SELECT id FROM safeguard.organisation WHERE code = 'BENCH-LA');
    concern bigint;
    ref bigint;
    first_id bigint;
    last_id bigint;
BEGIN
    SELECT * INTO p FROM safeguard_bench.pool;
    FOR i IN 1 .. n LOOP
        EXECUTE format('SET ROLE %I', p.cc);
        concern := safeguard.log_concern(now(), 'phone', 'relative',
            'Bench: a concern that will be referred.', '{Neglect and Acts of Omission}',
            la_id => la, referrer_name => 'Bench Referrer', referrer_phone => '07700 900123');
        EXECUTE format('SET ROLE %I', p.insp);
        ref := safeguard.triage_concern(concern, 'refer_to_la', 'Bench: meets the threshold.',
                                        true, true, true);
        EXECUTE format('SET ROLE %I', p.cc);
        PERFORM safeguard.send_referral(ref, 'secure_email', la_contact => 'Duty desk');
        EXECUTE format('SET ROLE %I', p.officer);
        PERFORM safeguard.acknowledge_referral(ref, la_reference => 'LA-' || ref);
        RESET ROLE;
        first_id := coalesce(first_id, ref);
        IF last_id IS NOT NULL AND ref <> last_id + 1 THEN
            RAISE EXCEPTION 'grow_pool: referral ids are not consecutive (% after %)', ref, last_id;
        END IF;
        last_id := ref;
        IF i % 200 = 0 THEN
            COMMIT;
        END IF;
    END LOOP;
    -- Referral ids jump when rows were loaded with ids of their own in between (W6's
    -- backlog, loaded as a restore loads rows, moves the identity past them).  A pool
    -- with no reserved referrals then starts again at the new ids: what is left of the
    -- old one is not used.  A pool with reserved referrals (W2's) cannot move.
    IF p.pool_hi IS NOT NULL AND first_id <> p.pool_hi + 1 THEN
        IF p.reserved <> 0 THEN
            RAISE EXCEPTION 'grow_pool: the pool would not be consecutive (% after %)', first_id, p.pool_hi;
        END IF;
        RAISE NOTICE 'grow_pool: referral ids jumped from % to %: the pool starts again at %',
            p.pool_hi, first_id, first_id;
        UPDATE safeguard_bench.pool SET pool_lo = NULL, pool_hi = NULL;
        PERFORM safeguard_bench.restart_sequences(first_id);
    END IF;
    IF to_regprocedure('safeguard_bench.after_grow(bigint,bigint)') IS NOT NULL THEN
        EXECUTE 'SELECT safeguard_bench.after_grow($1, $2)' USING first_id, last_id;
    END IF;
    UPDATE safeguard_bench.pool SET pool_lo = coalesce(pool_lo, first_id), pool_hi = last_id;
    SELECT * INTO p FROM safeguard_bench.pool;
    IF p.pool_hi - p.pool_lo + 1 <= p.reserved THEN
        RAISE EXCEPTION 'grow_pool: the pool must hold more than the % reserved referrals', p.reserved;
    END IF;
    PERFORM safeguard_bench.set_sequences();
    COMMIT;
END
$$;
COMMENT ON PROCEDURE safeguard_bench.grow_pool(integer) IS 'Adds n acknowledged referrals to the pool through the real workflow (and to the comparators).';

/*
 * Points every pool sequence (next_sg and the comparators' next_*) at the
 * unreserved pool: an unused one starts at pool_lo + reserved; every one
 * ends at MAXVALUE pool_hi (a used one keeps its position).
 */
CREATE FUNCTION safeguard_bench.set_sequences() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    p safeguard_bench.pool;
    s record;
    used boolean;
BEGIN
    SELECT * INTO p FROM safeguard_bench.pool;
    FOR s IN SELECT c.oid::regclass AS seq FROM pg_catalog.pg_class c
              WHERE c.relkind = 'S' AND c.relnamespace = 'safeguard_bench'::regnamespace
                AND c.relname LIKE 'next\_%' LOOP
        EXECUTE format('SELECT is_called FROM %s', s.seq) INTO used;
        IF used THEN
            EXECUTE format('ALTER SEQUENCE %s MAXVALUE %s', s.seq, p.pool_hi);
        ELSE
            EXECUTE format('ALTER SEQUENCE %s START WITH %s MINVALUE %s MAXVALUE %s RESTART', s.seq,
                           p.pool_lo + p.reserved, p.pool_lo + p.reserved, p.pool_hi);
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION safeguard_bench.set_sequences() IS 'Points the pool sequences at the unreserved pool range.';

/* Points every pool sequence at lo, unused: the pool starts again there (grow_pool). */
CREATE FUNCTION safeguard_bench.restart_sequences(lo bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    s record;
BEGIN
    FOR s IN SELECT c.oid::regclass AS seq FROM pg_catalog.pg_class c
              WHERE c.relkind = 'S' AND c.relnamespace = 'safeguard_bench'::regnamespace
                AND c.relname LIKE 'next\_%' LOOP
        EXECUTE format('ALTER SEQUENCE %s NO MAXVALUE', s.seq);
        EXECUTE format('ALTER SEQUENCE %s MINVALUE %s START WITH %s RESTART', s.seq, lo, lo);
    END LOOP;
END
$$;
COMMENT ON FUNCTION safeguard_bench.restart_sequences(bigint) IS 'Points the pool sequences at a pool that starts again at lo (grow_pool, after the referral ids jumped).';

/* Returns how many pool referrals sequence seq has left. */
CREATE FUNCTION safeguard_bench.left_in_pool(seq regclass) RETURNS bigint
LANGUAGE sql AS $$
    SELECT p.pool_hi - coalesce(q.last_value, q.min_value - 1)
      FROM safeguard_bench.pool p, pg_catalog.pg_sequences q
     WHERE format('%I.%I', q.schemaname, q.sequencename)::regclass = seq
$$;
COMMENT ON FUNCTION safeguard_bench.left_in_pool(regclass) IS 'Pool referrals not yet taken by a sequence.';

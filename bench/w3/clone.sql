/*
 * bench/w3/clone.sql: W3's rows.  Clones the pool's acknowledged referrals (and
 * their concerns) until safeguard.referral holds :rows more, spread over the
 * pool's cases, then copies them into the comparators (after_grow).
 *
 * Making 100,000 referrals through the workflow takes minutes on a loaded
 * machine, so this copies rows the workflow already made, as a superuser in
 * the scratch database, with the guard triggers of concern and referral
 * switched off for the copy (and the DDL guard with them, which would refuse
 * that), then back exactly as they were.  The timed statement runs with every
 * guard on.  The clones have no audit rows of their own: their updates append
 * to their cases' chains like any other row's.
 *
 * psql variable: rows.  Prints "w3_range <first id> <last id>" for the caller.
 */
SET client_min_messages = warning;
SET w3.rows = :rows;
ALTER EVENT TRIGGER safeguard_guard_ddl DISABLE;
ALTER EVENT TRIGGER safeguard_guard_drop DISABLE;
CREATE TEMP TABLE w3_triggers AS
SELECT tgrelid::regclass AS rel, tgname, tgenabled FROM pg_catalog.pg_trigger
 WHERE tgrelid IN ('safeguard.concern'::regclass, 'safeguard.referral'::regclass) AND NOT tgisinternal;
ALTER TABLE safeguard.concern DISABLE TRIGGER USER;
ALTER TABLE safeguard.referral DISABLE TRIGGER USER;

CREATE TEMP TABLE w3_template AS
SELECT row_number() OVER (ORDER BY r.id) - 1 AS k, r.id AS referral_id, r.concern_id
  FROM safeguard.referral r WHERE r.state = 'acknowledged';

DO $$
DECLARE
    n bigint := (SELECT count(*) FROM w3_template);
    want bigint := current_setting('w3.rows')::bigint;
    ccols text := (SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
                    WHERE attrelid = 'safeguard.concern'::regclass AND attnum > 0 AND NOT attisdropped
                      AND attgenerated = '' AND attname <> 'id');
    rcols text := (SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
                    WHERE attrelid = 'safeguard.referral'::regclass AND attnum > 0 AND NOT attisdropped
                      AND attgenerated = '' AND attname NOT IN ('id', 'concern_id'));
    c0 bigint;
    r0 bigint;
BEGIN
    IF n = 0 THEN
        RAISE EXCEPTION 'w3: no acknowledged referral to clone';
    END IF;
    CREATE TEMP TABLE w3_map (g bigint PRIMARY KEY, concern_id bigint, template bigint);
    -- one concern per clone, a copy of its template's concern
    EXECUTE format('CREATE TEMP TABLE w3_new_concern AS WITH ins AS (
        INSERT INTO safeguard.concern (%s) OVERRIDING SYSTEM VALUE
        SELECT %s FROM generate_series(1, $1) g JOIN w3_template t ON t.k = g %% $2
          JOIN safeguard.concern c ON c.id = t.concern_id ORDER BY g RETURNING id)
        SELECT id FROM ins', ccols, (SELECT string_agg('c.' || quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
                    WHERE attrelid = 'safeguard.concern'::regclass AND attnum > 0 AND NOT attisdropped
                      AND attgenerated = '' AND attname <> 'id')) USING want, n;
    INSERT INTO w3_map
    SELECT row_number() OVER (ORDER BY id), id, NULL FROM w3_new_concern;
    UPDATE w3_map m SET template = t.referral_id FROM w3_template t WHERE t.k = m.g % n;
    EXECUTE format('INSERT INTO safeguard.referral (concern_id, %s) SELECT m.concern_id, %s
        FROM w3_map m JOIN safeguard.referral r ON r.id = m.template ORDER BY m.g', rcols,
        (SELECT string_agg('r.' || quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
          WHERE attrelid = 'safeguard.referral'::regclass AND attnum > 0 AND NOT attisdropped
            AND attgenerated = '' AND attname NOT IN ('id', 'concern_id')));
END
$$;

DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM w3_triggers LOOP
        EXECUTE format('ALTER TABLE %s %s TRIGGER %I', t.rel,
                       CASE t.tgenabled WHEN 'A' THEN 'ENABLE ALWAYS' WHEN 'R' THEN 'ENABLE REPLICA'
                                        WHEN 'D' THEN 'DISABLE' ELSE 'ENABLE' END, t.tgname);
    END LOOP;
END
$$;
ALTER EVENT TRIGGER safeguard_guard_ddl ENABLE ALWAYS;
ALTER EVENT TRIGGER safeguard_guard_drop ENABLE ALWAYS;
-- the triggers are back exactly as they were
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM w3_triggers s JOIN pg_catalog.pg_trigger t ON t.tgrelid = s.rel AND t.tgname = s.tgname
                WHERE t.tgenabled <> s.tgenabled)
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger WHERE evtname LIKE 'safeguard_guard_%' AND evtenabled <> 'A') THEN
        RAISE EXCEPTION 'w3: the triggers were not restored';
    END IF;
END
$$;
SELECT max(id) - current_setting('w3.rows')::bigint + 1 AS w3_lo, max(id) AS w3_hi FROM safeguard.referral \gset
SELECT safeguard_bench.after_grow(:w3_lo, :w3_hi) \gset
\echo w3_range :w3_lo :w3_hi

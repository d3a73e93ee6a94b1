/*
 * bench/w8/setup.sql: W8, the council pathway's allocation (issue 16): the
 * authority, its officer and manager, a pool of decided enquiries made
 * through the real workflow, and the comparators holding the same rows.
 *
 * Load it with psql, as a superuser, into a database where the extension
 * exists and schema safeguard_bench does not, with psql variables officer
 * and sam (role names; created NOLOGIN here, the pgbench sessions take the
 * manager's with PGOPTIONS=-c role=...) and pool (how many enquiries).
 *
 * What it creates (schema safeguard_bench):
 *   BENCH-LA       a local authority; :officer la_officer and :sam sam of it
 *   pool           :pool concerns logged at its front door by :officer (no
 *                  adult named, so a case and an audit chain each) and decided
 *                  section 42 enquiries by :officer: la_enquiry rows in
 *                  decided, ready for allocation (decided -> allocated)
 *   bare_enquiry   la_enquiry's shape (LIKE ... INCLUDING ALL: no trigger, no
 *                  row-level security, no foreign key), the same rows
 *   floor_enquiry  the same, audited by an explicit INSERT into floor_audit
 *                  (audit_event's shape and indexes, no chain, no hash)
 *   next_sg, next_bare, next_floor   the sequences each script takes its
 *                  enquiry from; MAXVALUE is the pool's last id, so a run that
 *                  outgrows the pool fails instead of measuring refusals
 */
SET client_min_messages = warning;
CREATE SCHEMA safeguard_bench;
COMMENT ON SCHEMA safeguard_bench IS 'Benchmark scaffolding of bench/w8 (scratch database only).';

INSERT INTO safeguard.organisation (kind, name, code, division, senior_contact_name, senior_contact_email)
VALUES ('local_authority', 'Bench County Council', 'BENCH-LA', 'england-and-wales', 'Bench Senior', 'senior@la.example');
CREATE ROLE :"officer" NOLOGIN;
CREATE ROLE :"sam" NOLOGIN;
SELECT safeguard.grant_duty(:'officer', 'la_officer', (SELECT id FROM safeguard.organisation WHERE code = 'BENCH-LA'),
                            'Safeguarding Hub') > 0 AS ok \gset
SELECT safeguard.grant_duty(:'sam', 'sam', (SELECT id FROM safeguard.organisation WHERE code = 'BENCH-LA'),
                            'Safeguarding Hub') > 0 AS ok \gset

-- n decided enquiries through the real workflow, committing every 200 (CALL outside a transaction).
CREATE PROCEDURE safeguard_bench.make_pool(n integer, officer text)
LANGUAGE plpgsql AS $$
DECLARE
    la bigint := (SELECT id FROM safeguard.organisation WHERE code = 'BENCH-LA');
    concern bigint;
BEGIN
    FOR i IN 1 .. n LOOP
        EXECUTE format('SET ROLE %I', officer);
        concern := safeguard.log_concern(now(), 'phone', 'ambulance_service',
            'Bench: a crew''s concern the council will enquire into.', '{Neglect and Acts of Omission}',
            la_id => la, referrer_name => 'Bench Crew', referrer_phone => '0300 555 0100');
        PERFORM safeguard.decide_concern(concern, 'section_42_enquiry', 'Bench: the section 42 threshold is met.',
                                         true, true, true);
        RESET ROLE;
        IF i % 200 = 0 THEN
            COMMIT;
        END IF;
    END LOOP;
END
$$;
CALL safeguard_bench.make_pool(:pool, :'officer');

CREATE TABLE safeguard_bench.bare_enquiry (LIKE safeguard.la_enquiry INCLUDING ALL);
CREATE TABLE safeguard_bench.floor_enquiry (LIKE safeguard.la_enquiry INCLUDING ALL);
COMMENT ON TABLE safeguard_bench.bare_enquiry IS 'W8 comparator bare: safeguard.la_enquiry''s shape, no trigger.';
COMMENT ON TABLE safeguard_bench.floor_enquiry IS 'W8 comparator floor: safeguard.la_enquiry''s shape, audited by an explicit INSERT.';
\ir ../floor_audit.sql

-- The same rows (every column but the generated one) in both copies.
SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) AS cols
FROM pg_attribute WHERE attrelid = 'safeguard.la_enquiry'::regclass AND attnum > 0 AND NOT attisdropped
  AND attgenerated = '' \gset
INSERT INTO safeguard_bench.bare_enquiry (:cols) OVERRIDING SYSTEM VALUE SELECT :cols FROM safeguard.la_enquiry;
INSERT INTO safeguard_bench.floor_enquiry (:cols) OVERRIDING SYSTEM VALUE SELECT :cols FROM safeguard.la_enquiry;

SELECT min(id) AS lo, max(id) AS hi FROM safeguard.la_enquiry \gset
CREATE SEQUENCE safeguard_bench.next_sg MINVALUE :lo START :lo MAXVALUE :hi;
CREATE SEQUENCE safeguard_bench.next_bare MINVALUE :lo START :lo MAXVALUE :hi;
CREATE SEQUENCE safeguard_bench.next_floor MINVALUE :lo START :lo MAXVALUE :hi;
COMMENT ON SEQUENCE safeguard_bench.next_sg IS 'The next pool enquiry W8''s safeguard script allocates.';
COMMENT ON SEQUENCE safeguard_bench.next_bare IS 'The next pool enquiry W8''s bare script allocates.';
COMMENT ON SEQUENCE safeguard_bench.next_floor IS 'The next pool enquiry W8''s floor script allocates.';

GRANT USAGE ON SCHEMA safeguard_bench TO :"sam";
GRANT USAGE ON SEQUENCE safeguard_bench.next_sg, safeguard_bench.next_bare, safeguard_bench.next_floor TO :"sam";
GRANT SELECT, UPDATE ON safeguard_bench.bare_enquiry, safeguard_bench.floor_enquiry TO :"sam";
GRANT INSERT ON safeguard_bench.floor_audit TO :"sam";
VACUUM ANALYZE safeguard.la_enquiry;
VACUUM ANALYZE safeguard_bench.bare_enquiry;
VACUUM ANALYZE safeguard_bench.floor_enquiry;

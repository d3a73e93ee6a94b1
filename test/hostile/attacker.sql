-- test/hostile/attacker.sql: the database of `make installcheck-hostile`, run in it under
-- the hostile profile (test/hostile/profile) by psql -v extension=<name>: the settings
-- pg_regress gives its own databases, look-alike objects in schema attacker (first in the
-- profile's search_path), then the extension.  The look-alikes are tables named like
-- safeguard's with rows that would change every answer (every day a bank holiday, a duty
-- for everyone, a forged audit chain), now() stuck in 2001 and a text = that is always
-- true, all usable by every role.
ALTER DATABASE :"DBNAME" SET lc_messages TO 'C';
ALTER DATABASE :"DBNAME" SET lc_monetary TO 'C';
ALTER DATABASE :"DBNAME" SET lc_numeric TO 'C';
ALTER DATABASE :"DBNAME" SET lc_time TO 'C';
ALTER DATABASE :"DBNAME" SET bytea_output TO 'hex';
ALTER DATABASE :"DBNAME" SET timezone_abbreviations TO 'Default';

CREATE SCHEMA attacker;
CREATE TABLE attacker.bank_holiday (division text, day date, title text, notes text,
    bunting boolean, shipped boolean);
INSERT INTO attacker.bank_holiday
SELECT dv, d::date, 'Attacker holiday', '', false, false
FROM unnest(ARRAY['england-and-wales', 'scotland', 'northern-ireland']) dv,
     generate_series(date '2018-01-01', date '2028-12-31', interval '1 day') d;
CREATE TABLE attacker.duty_grant (id bigint, role text, duty text, organisation_id bigint,
    granted_at timestamptz, revoked_at timestamptz);
INSERT INTO attacker.duty_grant
SELECT n, 'public', duty, 1, '2001-01-01 00:00+00', NULL
FROM unnest(ARRAY['admin', 'contact_centre', 'inspector', 'la_officer', 'sam',
                  'enquiry_officer', 'commissioner', 'provider', 'reader', 'auditor', 'integration'])
     WITH ORDINALITY AS d (duty, n);
CREATE TABLE attacker.concern (id bigint, case_id bigint, la_id bigint, description text,
    adult_nhs_number text, received_at timestamptz);
INSERT INTO attacker.concern
SELECT g, g, 1, 'Attacker concern ' || g, '9434765919', '2001-01-01 00:00+00'
FROM generate_series(1, 100) g;
CREATE TABLE attacker.referral (id bigint, concern_id bigint, case_id bigint, la_id bigint,
    state text, la_contact text, sent_at timestamptz);
INSERT INTO attacker.referral
SELECT g, g, g, 1, 'closed', 'Attacker', '2001-01-01 00:00+00' FROM generate_series(1, 100) g;
CREATE TABLE attacker.audit_event (id bigint, chain_key text, chain_seq bigint,
    table_name text, row_key text, case_id bigint, action text, prev_hash bytea, row_hash bytea);
INSERT INTO attacker.audit_event
SELECT g, 'case:' || (g % 10 + 1), g, 'referral', g::text, g % 10 + 1, 'UPDATE',
       decode(repeat('ff', 32), 'hex'), decode(repeat('ee', 32), 'hex')
FROM generate_series(1, 1000) g;
CREATE FUNCTION attacker.now() RETURNS timestamptz
    LANGUAGE sql IMMUTABLE AS $$ SELECT timestamptz '2001-01-01 00:00:00+00' $$;
CREATE FUNCTION attacker.always_equal(text, text) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT true $$;
CREATE OPERATOR attacker.= (LEFTARG = text, RIGHTARG = text,
    FUNCTION = attacker.always_equal, COMMUTATOR = OPERATOR(attacker.=));
GRANT USAGE ON SCHEMA attacker TO PUBLIC;
GRANT ALL ON ALL TABLES IN SCHEMA attacker TO PUBLIC;

CREATE EXTENSION :"extension";

-- For the log: the profile is in force and the look-alikes are in the test database.
\pset footer off
SELECT current_setting('search_path') AS search_path,
       current_setting('transaction_isolation') AS isolation,
       (SELECT count(*) FROM attacker.audit_event) AS attacker_audit_rows;

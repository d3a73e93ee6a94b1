-- bench/volume/volume.sql: a seeded generator of realistic casework volume, bulk-loaded.
--
-- A decade of history for 150 local authorities and 5,000 providers: at SCALE 1.0,
-- 1.6M cases, 2M concerns, ~960,000 referrals in every state, ~6.7M deadlines met, breached,
-- cancelled or open, and every audit row the workflow would have written (~17 per
-- concern), hash-chained per case so that safeguard.verify_audit() passes.
--
-- Replaying that through the real workflow (about 1.6k steps/s) would take hours,
-- so only the organisations, roles and duty grants go through the real path
-- (sg_vol.setup); casework is bulk-loaded by set-based SQL, the way a restore loads a
-- dump: with the user triggers of the loaded tables disabled and the DDL event
-- triggers off for the duration (the guards fire ALWAYS, so session_replication_role
-- alone does not skip them), foreign keys off (session_replication_role = replica).
-- What is written is what the workflow writes: the same rows, transitions, stamps,
-- deadlines judged against safeguard.deadline_due() (the calendar engine), cases
-- opened and closed by the same rule, pseudonyms as HMAC-SHA256 under the installed
-- key, and audit rows with the same fields and changes documents as audit.c builds,
-- each row_hash = SHA-256(prev_hash || the canonical encoding of audit_encoding.c).
--
-- Use (superuser, in a database with safeguard installed; bench/volume/load.sh drives it):
--     \i bench/volume/volume.sql
--     SELECT sg_vol.setup(seed, scale, as_of);      -- organisations, roles, grants, calendar
--     CALL sg_vol.load(case_from, case_to);         -- casework of cases [from, to], in batches
--     SELECT sg_vol.finish();                       -- sequences past the loaded ids, ANALYZE
-- Case numbers are in time order (case 1 is the oldest), and every id is a function of
-- the case number, so the cases can be loaded in any order and in several runs: the
-- newest 10% first (sg_vol.recent_from()), the older 90% later, give the same rows as
-- one run.  Everything is a function of (seed, scale, as_of): no random() anywhere.

SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS sg_vol;
COMMENT ON SCHEMA sg_vol IS 'Benchmark volume generator (bench/volume): not part of the extension.';

-- Counter-based draws: value s of item i for seed k, uniform in [0, 1).
CREATE OR REPLACE FUNCTION sg_vol.u(k bigint, i bigint, s integer) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ((pg_catalog.hashint8extended(i * 64 + s, k) >> 11) & 9007199254740991)::double precision
           / 9007199254740992.0
$$;

-- The fractional part of x (a second draw from the digits of a first).
CREATE OR REPLACE FUNCTION sg_vol.fr(x double precision) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT x - floor(x) $$;

-- Canonical text of a timestamptz as canonical.c writes it (whole seconds).
CREATE OR REPLACE FUNCTION sg_vol.ct(t timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT pg_catalog.to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

-- One field of the canonical binary encoding (audit_encoding.c): number, null flag, length, bytes.
-- (STABLE like convert_to, so that it is inlined.)
CREATE OR REPLACE FUNCTION sg_vol.f(n integer, v text) RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT substring(pg_catalog.int4send(n) FROM 3 FOR 2)
           || CASE WHEN v IS NULL THEN '\x0100000000'::bytea
                   ELSE '\x00'::bytea || pg_catalog.int4send(pg_catalog.octet_length(convert_to(v, 'UTF8')))
                        || convert_to(v, 'UTF8') END
$$;

-- A {"old": null, "new": v} pair of an update's changes document.
CREATE OR REPLACE FUNCTION sg_vol.chg(v text) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT jsonb_build_object('new', v, 'old', NULL) $$;

-- An update's changes document without the columns that did not change (NULL
-- entries), keeping the "old": null of those that did (jsonb_strip_nulls would
-- drop both).
CREATE OR REPLACE FUNCTION sg_vol.changed(j jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(pg_catalog.jsonb_object_agg(e.key, e.value), '{}')
    FROM pg_catalog.jsonb_each(j) e WHERE pg_catalog.jsonb_typeof(e.value) <> 'null'
$$;

-- A valid NHS number (modulus 11) for a person: base 3p, or 3p+1 when 3p has check digit 10.
CREATE OR REPLACE FUNCTION sg_vol.nhs_number(person bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH b AS (SELECT lpad((300000000 + person * 3)::text, 9, '0') AS d),
    c AS (SELECT d, 11 - (SELECT sum(substr(d, j, 1)::int * (11 - j)) FROM generate_series(1, 9) j) % 11 AS cd FROM b),
    fixed AS (SELECT CASE WHEN cd = 10 THEN lpad((d::bigint + 1)::text, 9, '0') ELSE d END AS d FROM c),
    c2 AS (SELECT d, 11 - (SELECT sum(substr(d, j, 1)::int * (11 - j)) FROM generate_series(1, 9) j) % 11 AS cd FROM fixed)
    SELECT d || (CASE WHEN cd = 11 THEN 0 ELSE cd END)::text FROM c2
$$;

CREATE TABLE IF NOT EXISTS sg_vol.conf (
    only_row   boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    seed       bigint NOT NULL,
    scale      numeric NOT NULL,
    as_of      timestamptz NOT NULL,
    hist_from  date NOT NULL,
    n_cases    integer NOT NULL,
    n_la       integer NOT NULL,
    n_loc      integer NOT NULL,
    reuse_gap  integer NOT NULL,        -- cases opened in 120 days: a returning adult's earlier case
    regulator  bigint NOT NULL,
    policy_id  bigint NOT NULL,
    ipad       bytea,                   -- HMAC key pads of the pseudonym secret
    opad       bytea
);
CREATE TABLE IF NOT EXISTS sg_vol.la (n integer PRIMARY KEY, id bigint NOT NULL);
CREATE TABLE IF NOT EXISTS sg_vol.loc (n integer PRIMARY KEY, id bigint NOT NULL, la_n integer NOT NULL);
CREATE TABLE IF NOT EXISTS sg_vol.actor (
    role text PRIMARY KEY, kind text NOT NULL, idx integer NOT NULL,
    duty text NOT NULL, org_id bigint NOT NULL, team text);
CREATE TABLE IF NOT EXISTS sg_vol.loaded (case_from integer NOT NULL, case_to integer NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT clock_timestamp(), seconds numeric);

-- Organisations (regulator, LAs, providers and their locations), roles and duty grants,
-- through the real workflow; the calendar extended back to 2016 (gov.uk's dates).
CREATE OR REPLACE FUNCTION sg_vol.setup(seed bigint, scale numeric, as_of timestamptz,
                                        n_la integer DEFAULT 150, n_providers integer DEFAULT 5000)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    reg bigint;
    hist date := ((as_of AT TIME ZONE 'UTC')::date - interval '10 years')::date;
    n_cases integer := greatest(round(1600000 * scale)::integer, 100);
    secret bytea;
    r record;
BEGIN
    IF EXISTS (SELECT FROM sg_vol.conf) THEN
        RAISE EXCEPTION 'sg_vol.setup has already run in this database';
    END IF;
    IF (SELECT covered_from FROM safeguard.division WHERE division = 'england-and-wales') > '2016-01-01' THEN
        PERFORM safeguard.import_bank_holidays(jsonb_build_object('england-and-wales', jsonb_build_object(
            'division', 'england-and-wales',
            'events', (SELECT jsonb_agg(jsonb_build_object('title', t, 'date', d, 'notes', '', 'bunting', true))
                       FROM (VALUES ('New Year''s Day', '2016-01-01'), ('Good Friday', '2016-03-25'),
                                    ('Easter Monday', '2016-03-28'), ('Early May bank holiday', '2016-05-02'),
                                    ('Spring bank holiday', '2016-05-30'), ('Summer bank holiday', '2016-08-29'),
                                    ('Boxing Day', '2016-12-26'), ('Christmas Day', '2016-12-27'),
                                    ('New Year''s Day', '2017-01-02'), ('Good Friday', '2017-04-14'),
                                    ('Easter Monday', '2017-04-17'), ('Early May bank holiday', '2017-05-01'),
                                    ('Spring bank holiday', '2017-05-29'), ('Summer bank holiday', '2017-08-28'),
                                    ('Christmas Day', '2017-12-25'), ('Boxing Day', '2017-12-26')) h(t, d)))));
    END IF;
    IF hist < (SELECT covered_from FROM safeguard.division WHERE division = 'england-and-wales') THEN
        RAISE EXCEPTION 'history from % is before the calendar coverage', hist;
    END IF;

    INSERT INTO safeguard.organisation (kind, name, code) VALUES ('regulator', 'VOL Care Quality Commission', 'VOL-CQC')
    RETURNING id INTO reg;
    INSERT INTO safeguard.organisation (kind, name, code, senior_contact_name, senior_contact_email)
    SELECT 'local_authority', 'VOL Council ' || n, 'VOL-LA' || n, 'Senior ' || n, 'senior' || n || '@la' || n || '.example'
    FROM generate_series(1, n_la) n;
    INSERT INTO sg_vol.la SELECT substr(code, 7)::int, id FROM safeguard.organisation WHERE code LIKE 'VOL-LA%';
    INSERT INTO safeguard.organisation (kind, name, code)
    SELECT 'provider', 'VOL Provider ' || n, 'VOL-P' || n FROM generate_series(1, n_providers) n;
    -- one to two locations per provider (1.5 on average), each in a drawn authority's area
    INSERT INTO safeguard.organisation (kind, name, code, parent_id, la_id)
    SELECT 'provider_location', 'VOL Location ' || p.n || '/' || l, 'VOL-L' || p.n || '-' || l, o.id,
           (SELECT id FROM sg_vol.la WHERE la.n = 1 + floor(sg_vol.u(seed, p.n * 2 + l, 60) * n_la)::int)
    FROM generate_series(1, n_providers) p(n)
    JOIN safeguard.organisation o ON o.code = 'VOL-P' || p.n
    CROSS JOIN generate_series(1, 2) l
    WHERE l = 1 OR sg_vol.u(seed, p.n, 61) < 0.5;
    INSERT INTO sg_vol.loc
    SELECT row_number() OVER (ORDER BY o.id), o.id, la.n
    FROM safeguard.organisation o JOIN sg_vol.la ON la.id = o.la_id
    WHERE o.code LIKE 'VOL-L%';

    INSERT INTO sg_vol.actor VALUES ('vol_admin', 'admin', 1, 'admin', reg, NULL);
    INSERT INTO sg_vol.actor SELECT 'vol_cc' || i, 'cc', i, 'contact_centre', reg, 'Contact Centre' FROM generate_series(1, 4) i;
    INSERT INTO sg_vol.actor SELECT 'vol_insp' || i, 'insp', i, 'inspector', reg,
                                    CASE WHEN i <= 4 THEN 'Inspection North' ELSE 'Inspection South' END
                             FROM generate_series(1, 8) i;
    INSERT INTO sg_vol.actor SELECT 'vol_la' || n || '_hub', 'hub', n, 'la_officer', id, 'Safeguarding Hub' FROM sg_vol.la;
    INSERT INTO sg_vol.actor SELECT 'vol_la' || n || '_sam', 'sam', n, 'sam', id, 'Safeguarding Hub' FROM sg_vol.la;
    -- performance teams: the regulator's (every authority) and the first authority's
    INSERT INTO sg_vol.actor VALUES ('vol_reader', 'reader', 1, 'reader', reg, NULL);
    INSERT INTO sg_vol.actor SELECT 'vol_la1_reader', 'reader', 2, 'reader', id, NULL FROM sg_vol.la WHERE n = 1;
    FOR r IN SELECT * FROM sg_vol.actor ORDER BY kind, idx LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r.role) THEN
            EXECUTE format('CREATE ROLE %I LOGIN', r.role);
        END IF;
        PERFORM safeguard.grant_duty(r.role::regrole, r.duty::safeguard.duty, r.org_id, r.team);
    END LOOP;

    SELECT k.secret INTO secret FROM safeguard.pseudonym_key k;
    IF length(secret) > 64 THEN secret := sha256(secret); END IF;
    secret := secret || decode(repeat('00', 64 - length(secret)), 'hex');
    INSERT INTO sg_vol.conf VALUES (true, seed, scale, as_of, hist, n_cases, n_la,
        (SELECT count(*) FROM sg_vol.loc), greatest(1, ceil(n_cases * 120.0 / 3652))::int, reg,
        (SELECT id FROM safeguard.deadline_policy WHERE shipped AND organisation_id IS NULL),
        (SELECT string_agg(set_byte('\x00'::bytea, 0, get_byte(secret, i) # 54), '' ORDER BY i) FROM generate_series(0, 63) i),
        (SELECT string_agg(set_byte('\x00'::bytea, 0, get_byte(secret, i) # 92), '' ORDER BY i) FROM generate_series(0, 63) i));
END
$$;

-- First case of the newest 10% of the history (the open workload and its last year).
CREATE OR REPLACE FUNCTION sg_vol.recent_from() RETURNS integer
LANGUAGE sql STABLE AS $$ SELECT floor(n_cases * 0.9)::integer + 1 FROM sg_vol.conf $$;

-- The intent of cases [a, b]: one row per concern, every answer and every instant, cut at as_of.
CREATE OR REPLACE FUNCTION sg_vol.plan(a integer, b integer) RETURNS void
LANGUAGE plpgsql SET jit = off AS $$
BEGIN
    DROP TABLE IF EXISTS pg_temp.cp;
    CREATE TEMP TABLE cp AS
    WITH cf AS MATERIALIZED (SELECT * FROM sg_vol.conf),
    cs AS MATERIALIZED (
        SELECT c, cf.*, c > cf.n_cases AS backlog,
               CASE WHEN c > cf.n_cases  -- backlog cases (sg_vol.backlog): sent 75 days ago, never acknowledged
                    THEN cf.as_of - interval '75 days' + make_interval(secs => (c - cf.n_cases) % 28800) ELSE
               (cf.hist_from + floor(((c - 1) + sg_vol.u(cf.seed, c, 1)) * ((cf.as_of AT TIME ZONE 'UTC')::date - cf.hist_from) / cf.n_cases)::int)::timestamp
                 AT TIME ZONE 'UTC' + make_interval(mins => 480 + floor(sg_vol.u(cf.seed, c, 2) * 540)::int) END AS t0,
               sg_vol.u(cf.seed, c, 3) >= 0.1 OR c > cf.n_cases AS known,
               sg_vol.u(cf.seed, c, 4) AS u_n,
               sg_vol.u(cf.seed, c, 5) < 0.1 AS reuse,
               sg_vol.u(cf.seed, c, 6) < 0.6 AS at_loc,
               1 + floor(sg_vol.u(cf.seed, c, 7) * cf.n_loc)::int AS loc_n,
               1 + floor(sg_vol.u(cf.seed, c, 8) * cf.n_la)::int AS la_draw
        FROM generate_series(a, b) c, cf),
    cs2 AS MATERIALIZED (
        SELECT cs.*,
               CASE WHEN NOT known OR backlog THEN 1 WHEN u_n < 0.8 THEN 1 WHEN u_n < 0.95 THEN 2 ELSE 3 END AS nconc,
               CASE WHEN known AND reuse AND NOT backlog AND c > reuse_gap THEN c - reuse_gap WHEN known THEN c END AS person,
               CASE WHEN known AND at_loc THEN loc_n END AS loc,
               CASE WHEN known AND at_loc THEN (SELECT l.la_n FROM sg_vol.loc l WHERE l.n = loc_n) ELSE la_draw END AS la_n
        FROM cs),
    cc AS MATERIALIZED (
        SELECT cs2.*, j, 3::bigint * (c - 1) + j AS cid,
               CASE WHEN j = 1 THEN t0
                    ELSE t0 + make_interval(mins => (j - 1) * (720 + floor(sg_vol.u(seed, c, 8 + j) * 1440)::int)) END AS rec
        FROM cs2, generate_series(1, 3) j WHERE j <= nconc),
    d AS MATERIALIZED (  -- draws per concern
        SELECT cc.*,
               sg_vol.u(seed, cid, 1) < 0.2 AND NOT (j = 1 AND nconc > 1) AND NOT backlog AS by_la,
               sg_vol.u(seed, cid, 2) AS u_logger, sg_vol.u(seed, cid, 3) AS u_actor,
               sg_vol.u(seed, cid, 4) < 0.15 AS slow_tri, sg_vol.u(seed, cid, 5) AS u_tri,
               sg_vol.u(seed, cid, 6) AS u_dec, sg_vol.u(seed, cid, 7) AS u_dec2,
               sg_vol.u(seed, cid, 8) < 0.1 AS imm_draw,
               sg_vol.u(seed, cid, 9) < 0.01 AS withdraw_draw,
               sg_vol.u(seed, cid, 10) < 0.15 AS slow_send, sg_vol.u(seed, cid, 11) AS u_send,
               sg_vol.u(seed, cid, 12) AS u_ack, sg_vol.u(seed, cid, 13) AS u_decide,
               sg_vol.u(seed, cid, 14) < 0.17 AS slow_out, sg_vol.u(seed, cid, 15) AS u_out,
               sg_vol.u(seed, cid, 16) < 0.17 AS slow_close, sg_vol.u(seed, cid, 17) AS u_close,
               sg_vol.u(seed, cid, 18) < 0.6 AS allocate,
               (ARRAY['member_of_public','relative','professional','provider','whistleblower','anonymous'])[1 + floor(sg_vol.u(seed, cid, 19) * 6)::int] AS source,
               (ARRAY['phone','email','web_form','letter','inspection'])[1 + floor(sg_vol.u(seed, cid, 20) * 5)::int] AS channel,
               sg_vol.u(seed, cid, 21) AS u_risk, sg_vol.u(seed, cid, 22) AS u_risk1, sg_vol.u(seed, cid, 23) AS u_risk2,
               sg_vol.u(seed, cid, 24) AS u_rloc, sg_vol.u(seed, cid, 25) AS u_rsrc,
               (ARRAY['section_42_enquiry','section_42_enquiry','other_enquiry','no_enquiry'])[1 + floor(sg_vol.u(seed, cid, 26) * 4)::int] AS la_decision,
               sg_vol.u(seed, cid, 27) AS u_result, sg_vol.u(seed, cid, 28) AS u_cap, sg_vol.u(seed, cid, 29) AS u_msp,
               sg_vol.u(seed, cid, 30) AS u_misc
        FROM cc),
    e AS MATERIALIZED (  -- decisions and intended instants
        SELECT d.*,
               source = 'anonymous' AS anonymous,
               CASE WHEN by_la THEN 'vol_la' || la_n || '_hub'
                    WHEN u_logger < 0.5 THEN 'vol_cc' || (1 + floor(u_actor * 4)::int)
                    ELSE 'vol_insp' || (1 + floor(u_actor * 8)::int) END AS logger,
               CASE WHEN by_la THEN 'vol_la' || la_n || '_hub' ELSE 'vol_insp' || (1 + floor(u_tri * 8)::int) END AS triager,
               CASE WHEN by_la THEN 'no_referral'
                    WHEN (j = 1 AND nconc > 1) OR backlog THEN 'refer_to_la'
                    WHEN u_dec < 0.5 THEN 'refer_to_la'
                    WHEN u_dec2 < 0.7 THEN 'no_referral' ELSE 'regulatory_action_only' END AS decision,
               NOT by_la AND imm_draw AND NOT backlog AS immediate,
               rec + make_interval(mins => 5) AS logged_at,
               rec + make_interval(mins => CASE WHEN slow_tri THEN 1800 + floor(u_tri * 3600)::int
                                                ELSE 60 + floor(u_tri * 300)::int END) AS tri_at
        FROM d),
    f AS MATERIALIZED (
        SELECT e.*,
               decision = 'refer_to_la' AND withdraw_draw AND NOT (j = 1 AND nconc > 1) AND NOT backlog AS withdrawn,
               CASE WHEN decision = 'refer_to_la' THEN tri_at + CASE
                    WHEN immediate THEN make_interval(mins => CASE WHEN slow_send THEN 300 ELSE 60 END)
                    WHEN slow_send AND NOT backlog THEN make_interval(mins => 3000 + floor(u_send * 3000)::int)
                    ELSE make_interval(mins => 60 + floor(u_send * 300)::int) END END AS sent_at
        FROM e),
    g AS MATERIALIZED (
        SELECT f.*,
               CASE WHEN withdrawn THEN tri_at + make_interval(mins => 600 + floor(u_send * 600)::int) END AS withdraw_at,
               CASE WHEN withdrawn THEN NULL ELSE sent_at END AS sent_at2,
               CASE WHEN NOT withdrawn AND NOT backlog THEN sent_at + make_interval(mins => 120 + floor(u_ack * 4200)::int) END AS ack_at
        FROM f),
    h AS MATERIALIZED (
        SELECT g.*,
               ack_at + make_interval(days => 1 + floor(u_decide * 10)::int) AS decide_at
        FROM g),
    i AS MATERIALIZED (
        SELECT h.*,
               decide_at + make_interval(days => CASE WHEN slow_out THEN 30 + floor(u_out * 20)::int
                                                      ELSE 2 + floor(u_out * 10)::int END) AS outcome_at
        FROM h),
    k AS MATERIALIZED (
        SELECT i.*,
               outcome_at + make_interval(days => CASE WHEN slow_close THEN 9 ELSE 1 END,
                                          mins => floor(u_close * 300)::int) AS close_at,
               CASE WHEN la_decision <> 'no_enquiry' THEN
                    (enum_range(NULL::safeguard.sac_action_result))[1 + floor(u_result * 6)::int]::text END AS action_result
        FROM i)
    -- events at or after as_of have not happened
    SELECT k.c, k.j, k.cid, k.nconc, k.person, k.known, k.loc, k.la_n, k.rec, k.seed,
           (SELECT id FROM sg_vol.la WHERE la.n = k.la_n) AS la_id,
           (SELECT id FROM sg_vol.loc WHERE loc.n = k.loc) AS loc_id,
           k.by_la, k.source, k.channel, k.anonymous, k.logger, k.triager, k.decision, k.immediate,
           k.u_risk, k.u_risk1, k.u_risk2, k.u_rloc, k.u_rsrc, k.u_cap, k.u_msp, k.u_misc, k.allocate,
           k.la_decision, k.action_result,
           CASE WHEN k.action_result IN ('Risk identified and action taken', 'Risk Assessment inconclusive and action taken')
                THEN (enum_range(NULL::safeguard.sac_risk_outcome))[1 + floor(k.u_misc * 3)::int]::text END AS risk_outcome,
           k.logged_at,
           CASE WHEN k.tri_at < k.as_of THEN k.tri_at END AS tri_at,
           CASE WHEN k.tri_at < k.as_of AND k.decision = 'refer_to_la' AND k.withdraw_at < k.as_of THEN k.withdraw_at END AS withdraw_at,
           CASE WHEN k.tri_at < k.as_of AND k.sent_at2 + interval '10 minutes' < k.as_of THEN k.sent_at2 END AS sent_at,
           CASE WHEN k.sent_at2 + interval '10 minutes' < k.as_of AND k.ack_at < k.as_of THEN k.ack_at END AS ack_at,
           CASE WHEN k.sent_at2 + interval '10 minutes' < k.as_of AND k.ack_at + interval '1 hour' < k.as_of AND k.allocate
                THEN k.ack_at + interval '1 hour' END AS alloc_at,
           CASE WHEN k.sent_at2 + interval '10 minutes' < k.as_of AND k.ack_at < k.as_of AND k.decide_at < k.as_of THEN k.decide_at END AS decide_at,
           CASE WHEN k.sent_at2 + interval '10 minutes' < k.as_of AND k.ack_at < k.as_of AND k.outcome_at < k.as_of THEN k.outcome_at END AS outcome_at,
           CASE WHEN k.sent_at2 + interval '10 minutes' < k.as_of AND k.ack_at < k.as_of AND k.close_at < k.as_of THEN k.close_at END AS close_at
    FROM k
    WHERE k.rec + interval '5 minutes' < k.as_of;
    ALTER TABLE cp ADD PRIMARY KEY (cid);
    ANALYZE cp;
END
$$;

-- Loads the casework of cases [a, b] (rows, deadlines, audit chains).  The caller has
-- disabled the triggers (sg_vol.triggers(false)) and set session_replication_role.
CREATE OR REPLACE FUNCTION sg_vol.load_batch(a integer, b integer) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
    t0 timestamptz := clock_timestamp();
BEGIN
    SET LOCAL TimeZone = 'UTC';
    SET LOCAL jit = off;              -- compiling these expressions costs more than running them
    SET LOCAL DateStyle = 'ISO, YMD';
    SET LOCAL extra_float_digits = 1;
    RAISE DEBUG 'sg_vol % ms: %', round(extract(epoch FROM clock_timestamp() - t0) * 1000), 'PERFORM sg_vol.plan(a, b);';
    PERFORM sg_vol.plan(a, b);

    -- actors: who did each step, and for which organisation
    RAISE DEBUG 'sg_vol % ms: %', round(extract(epoch FROM clock_timestamp() - t0) * 1000), 'DROP TABLE IF EXISTS pg_temp.cx;';
    DROP TABLE IF EXISTS pg_temp.cx;
    CREATE TEMP TABLE cx AS
    SELECT cp.*, cf.regulator, cf.policy_id, cf.ipad, cf.opad,
           lg.org_id AS logger_org, lg.duty AS logger_duty,
           tr.org_id AS triager_org, tr.duty AS triager_duty, tr.team AS triager_team,
           'vol_cc' || (1 + cp.cid % 4) AS sender,
           'vol_la' || cp.la_n || '_hub' AS hub,
           'vol_la' || cp.la_n || '_sam' AS sam,
           CASE WHEN cp.known AND cp.person % 3 <> 0 THEN sg_vol.nhs_number(cp.person) END AS nhs,
           CASE WHEN cp.known AND cp.person % 5 <> 4
                THEN date '1925-01-01' + abs(hashint4(cp.person::int)) % 27000 END AS dob,
           CASE WHEN cp.decision = 'refer_to_la' AND cp.tri_at IS NOT NULL THEN
                CASE WHEN cp.immediate THEN 'send_immediate' ELSE 'send' END END AS send_kind,
           -- the instant each concern's part of the case ends (NULL: still open)
           CASE WHEN cp.decision <> 'refer_to_la' THEN cp.tri_at
                WHEN cp.withdraw_at IS NOT NULL THEN cp.withdraw_at
                ELSE cp.close_at END AS done_at
    FROM cp CROSS JOIN sg_vol.conf cf
    JOIN sg_vol.actor lg ON lg.role = cp.logger
    JOIN sg_vol.actor tr ON tr.role = cp.triager;
    ALTER TABLE cx ADD PRIMARY KEY (cid);

    -- due instants, judged by the calendar engine
    RAISE DEBUG 'sg_vol % ms: %', round(extract(epoch FROM clock_timestamp() - t0) * 1000), 'DROP TABLE IF EXISTS pg_temp.dl;';
    DROP TABLE IF EXISTS pg_temp.dl;
    CREATE TEMP TABLE dl AS
    WITH raw AS (
        SELECT cx.cid, 0 AS k, 'triage' AS kind, 'concern' AS subject_table, cx.logger_org AS org,
               cx.rec AS anchor, cx.tri_at AS closed_at, cx.logger AS opener, cx.logger_org AS opener_org,
               cx.logger_duty AS opener_duty, cx.logged_at AS opened_at,
               cx.triager AS closer, cx.triager_org AS closer_org, cx.triager_duty AS closer_duty, cx.tri_at AS closed_rec,
               false AS cancelled
        FROM cx
        UNION ALL
        SELECT cid, 1, send_kind, 'referral', regulator, tri_at, coalesce(sent_at, withdraw_at),
               triager, triager_org, triager_duty, tri_at,
               CASE WHEN withdraw_at IS NOT NULL THEN 'vol_admin' ELSE sender END, regulator,
               CASE WHEN withdraw_at IS NOT NULL THEN 'admin' ELSE 'contact_centre' END,
               coalesce(sent_at + interval '10 minutes', withdraw_at), withdraw_at IS NOT NULL
        FROM cx WHERE send_kind IS NOT NULL
        UNION ALL
        SELECT cid, kk.k, kk.kind, 'referral', la_id, sent_at,
               CASE WHEN kk.k = 2 THEN ack_at ELSE outcome_at END,
               sender, regulator, 'contact_centre', sent_at + interval '10 minutes',
               hub, la_id, 'la_officer', CASE WHEN kk.k = 2 THEN ack_at ELSE outcome_at END, false
        FROM cx, (VALUES (2, 'la_acknowledgement'), (3, 'la_outcome'), (4, 'la_outcome_escalation')) kk(k, kind)
        WHERE sent_at IS NOT NULL
        UNION ALL
        SELECT cid, 5, 'feedback', 'referral', la_id, outcome_at, close_at,
               hub, la_id, 'la_officer', outcome_at, hub, la_id, 'la_officer', close_at, anonymous
        FROM cx WHERE outcome_at IS NOT NULL)
    SELECT raw.*, cx.c, cx.cid * 8 + raw.k AS id, cx.policy_id,
           CASE WHEN raw.closed_at IS NULL OR raw.cancelled THEN NULL
                ELSE safeguard.deadline_due(r.amount, r.unit, raw.anchor, 'england-and-wales') END AS due,
           CASE WHEN raw.closed_at IS NULL THEN 'open'
                WHEN raw.cancelled THEN 'cancelled'
                WHEN raw.closed_at <= safeguard.deadline_due(r.amount, r.unit, raw.anchor, 'england-and-wales') THEN 'met'
                ELSE 'breached' END AS status
    FROM raw JOIN cx USING (cid)
    JOIN safeguard.deadline_rule r ON r.policy_id = cx.policy_id AND r.kind = raw.kind;

    RAISE DEBUG 'sg_vol % ms: %', round(extract(epoch FROM clock_timestamp() - t0) * 1000), '-- cases';
    -- cases
    INSERT INTO safeguard.safeguarding_case (id, la_id, adult_key, provider_location_id, state, opened_at, closed_at, adult_pseudonym)
    OVERRIDING SYSTEM VALUE
    SELECT c.c, c.la_id, k.adult_key, c.loc_id,
           CASE WHEN cl.closed_at IS NULL THEN 'open' ELSE 'closed' END::safeguard.case_state,
           c.logged_at, cl.closed_at,
           CASE WHEN k.adult_key IS NOT NULL THEN
                encode(sha256(c.opad || sha256(c.ipad || convert_to(k.adult_key, 'UTF8'))), 'hex') END
    FROM cx c
    CROSS JOIN LATERAL (SELECT CASE WHEN c.nhs IS NOT NULL THEN 'nhs:' || c.nhs
                                    WHEN c.known AND c.dob IS NOT NULL THEN 'name:person ' || c.person || '|' || c.dob
                                    WHEN c.known THEN 'name:person ' || c.person END AS adult_key) k
    JOIN (SELECT x.c, CASE WHEN bool_and(x.done_at IS NOT NULL) THEN max(x.done_at) END AS closed_at
          FROM cx x GROUP BY x.c) cl ON cl.c = c.c
    WHERE c.j = 1;

    RAISE DEBUG 'sg_vol % ms: %', round(extract(epoch FROM clock_timestamp() - t0) * 1000), 'INSERT INTO safeguard.concern';
    INSERT INTO safeguard.concern (id, received_at, channel, source, referrer_anonymous, referrer_name, referrer_phone,
        adult_nhs_number, adult_name, adult_date_of_birth, adult_gender, adult_ethnicity, adult_primary_support_reason,
        provider_location_id, la_id, risk_types, risk_location, source_of_risk, immediate_risk, description,
        case_id, joined_open_case, logged_by, logged_org_id, logged_at)
    OVERRIDING SYSTEM VALUE
    SELECT cid, rec, channel::safeguard.concern_channel, source::safeguard.concern_source, anonymous,
           CASE WHEN NOT anonymous THEN 'Referrer ' || cid END,
           CASE WHEN NOT anonymous THEN '07700 900' || lpad((cid % 1000)::text, 3, '0') END,
           nhs, CASE WHEN known THEN 'Person ' || person END, dob,
           CASE WHEN known THEN (enum_range(NULL::safeguard.sac_gender))[1 + abs(hashint4(person::int + 1)) % 3]
                ELSE 'Not Known' END,
           CASE WHEN known AND person % 7 <> 0
                THEN (ARRAY['A', 'A', 'B', 'C', 'D', 'G', 'H', 'J', 'K', 'M', 'N', 'R', 'S', 'Z', '99'])[1 + abs(hashint4(person::int + 2)) % 15] END,
           CASE WHEN known AND person % 6 <> 0
                THEN (ARRAY['Physical Support', 'Sensory Support', 'Support with Memory and Cognition',
                            'Learning Disability Support', 'Mental Health Support', 'Social Support',
                            'No Support Reason', 'Not Known'])[1 + abs(hashint4(person::int + 3)) % 8] END,
           loc_id, la_id,
           CASE WHEN u_risk < 0.3
                THEN ARRAY[(enum_range(NULL::safeguard.sac_risk_type))[1 + floor(u_risk1 * 11)::int],
                           (enum_range(NULL::safeguard.sac_risk_type))[1 + floor(u_risk2 * 11)::int]]
                ELSE ARRAY[(enum_range(NULL::safeguard.sac_risk_type))[1 + floor(u_risk1 * 11)::int]] END,
           CASE WHEN u_rloc >= 0.1 THEN (enum_range(NULL::safeguard.sac_risk_location))[1 + floor(sg_vol.fr(u_rloc * 10) * 9)::int] END,
           CASE WHEN u_rsrc >= 0.1 THEN (enum_range(NULL::safeguard.sac_source_of_risk))[1 + floor(sg_vol.fr(u_rsrc * 10) * 3)::int] END,
           immediate, 'Concern ' || cid, c, j > 1, logger::regrole, logger_org, logged_at
    FROM cx;

    RAISE DEBUG 'sg_vol % ms: %', round(extract(epoch FROM clock_timestamp() - t0) * 1000), 'INSERT INTO safeguard.triage';
    INSERT INTO safeguard.triage (concern_id, decision, rationale, care_and_support_needs, abuse_or_neglect,
        unable_to_protect_self, la_id, case_id, decided_by, decided_org_id, decided_duty, decided_at, decided_team)
    SELECT cid, decision::safeguard.triage_decision, 'Rationale ' || cid, true, true, decision = 'refer_to_la',
           la_id, c, triager::regrole, triager_org, triager_duty::safeguard.duty, tri_at, triager_team
    FROM cx WHERE tri_at IS NOT NULL;

    RAISE DEBUG 'sg_vol % ms: %', round(extract(epoch FROM clock_timestamp() - t0) * 1000), 'INSERT INTO safeguard.referral';
    INSERT INTO safeguard.referral (id, concern_id, case_id, la_id, state, immediate_risk, created_at, created_by,
        sent_at, sent_method, la_contact, sent_by, sent_org_id, sent_recorded_at,
        acknowledged_at, la_reference, acknowledged_by, acknowledged_org_id,
        la_decision, la_decision_rationale, decided_by, decided_org_id, decided_at,
        action_result, risk_outcome, harm_from_delay, outcome_by, outcome_org_id, outcome_at,
        feedback_at, feedback_method, feedback_waived_reason, closed_by, closed_org_id, closed_at,
        withdrawal_rationale, withdrawn_by, withdrawn_org_id, withdrawn_at,
        lacked_capacity, advocate_supported, msp_asked, msp_achieved, allocated_to, allocated_by, allocated_at)
    OVERRIDING SYSTEM VALUE
    SELECT cx.cid, cx.cid, cx.c, cx.la_id,
           (CASE WHEN withdraw_at IS NOT NULL THEN 'withdrawn' WHEN close_at IS NOT NULL THEN 'closed'
                 WHEN outcome_at IS NOT NULL THEN 'outcome_recorded' WHEN decide_at IS NOT NULL THEN 'decided'
                 WHEN ack_at IS NOT NULL THEN 'acknowledged' WHEN sent_at IS NOT NULL THEN 'sent'
                 ELSE 'awaiting_send' END)::safeguard.referral_state,
           immediate, tri_at, triager::regrole,
           sent_at, CASE WHEN sent_at IS NOT NULL THEN 'secure_email'::safeguard.contact_method END,
           CASE WHEN sent_at IS NOT NULL THEN 'Duty desk VOL-LA' || la_n END,
           CASE WHEN sent_at IS NOT NULL THEN sender::regrole END, CASE WHEN sent_at IS NOT NULL THEN regulator END,
           sent_at + interval '10 minutes',
           ack_at, CASE WHEN ack_at IS NOT NULL THEN 'REF-' || cid END,
           CASE WHEN ack_at IS NOT NULL THEN hub::regrole END, CASE WHEN ack_at IS NOT NULL THEN la_id END,
           CASE WHEN decide_at IS NOT NULL THEN la_decision::safeguard.la_decision END,
           CASE WHEN decide_at IS NOT NULL THEN 'Decision ' || cid END,
           CASE WHEN decide_at IS NOT NULL THEN hub::regrole END, CASE WHEN decide_at IS NOT NULL THEN la_id END, decide_at,
           CASE WHEN outcome_at IS NOT NULL THEN action_result::safeguard.sac_action_result END,
           CASE WHEN outcome_at IS NOT NULL THEN risk_outcome::safeguard.sac_risk_outcome END,
           CASE WHEN outcome_at IS NOT NULL AND s.status = 'breached' THEN 'no_harm'::safeguard.harm_finding END,
           CASE WHEN outcome_at IS NOT NULL THEN hub::regrole END, CASE WHEN outcome_at IS NOT NULL THEN la_id END, outcome_at,
           CASE WHEN close_at IS NOT NULL AND NOT anonymous THEN close_at END,
           CASE WHEN close_at IS NOT NULL AND NOT anonymous THEN 'phone'::safeguard.contact_method END,
           CASE WHEN close_at IS NOT NULL AND anonymous THEN 'Anonymous referrer' END,
           CASE WHEN close_at IS NOT NULL THEN hub::regrole END, CASE WHEN close_at IS NOT NULL THEN la_id END, close_at,
           CASE WHEN withdraw_at IS NOT NULL THEN 'Withdrawn ' || cid END,
           CASE WHEN withdraw_at IS NOT NULL THEN 'vol_admin'::regrole END,
           CASE WHEN withdraw_at IS NOT NULL THEN regulator END, withdraw_at,
           sac.lacked_capacity, sac.advocate_supported, sac.msp_asked, sac.msp_achieved,
           CASE WHEN alloc_at IS NOT NULL THEN hub::regrole END, CASE WHEN alloc_at IS NOT NULL THEN sam::regrole END, alloc_at
    FROM cx
    CROSS JOIN LATERAL (SELECT dl.status FROM dl WHERE dl.cid = cx.cid AND dl.k = 1) s
    CROSS JOIN LATERAL (
        SELECT lc AS lacked_capacity,
               CASE WHEN lc = 'Yes, they lacked capacity' AND sg_vol.fr(u_misc * 7) >= 0.2 THEN sg_vol.fr(u_misc * 11) < 0.7 END AS advocate_supported,
               ma AS msp_asked,
               CASE WHEN ma = 'Yes, they were asked and outcomes were expressed'
                    THEN (enum_range(NULL::safeguard.sac_msp_achieved))[1 + floor(sg_vol.fr(u_msp * 13) * 3)::int] END AS msp_achieved
        FROM (SELECT CASE WHEN outcome_at IS NOT NULL AND action_result IS NOT NULL AND u_cap >= 0.125
                          THEN (enum_range(NULL::safeguard.sac_capacity))[1 + floor(sg_vol.fr(u_cap * 8) * 3)::int] END AS lc,
                     CASE WHEN outcome_at IS NOT NULL AND action_result IS NOT NULL AND u_msp >= 0.125
                          THEN (enum_range(NULL::safeguard.sac_msp_asked))[1 + floor(sg_vol.fr(u_msp * 8) * 4)::int] END AS ma) q
    ) sac
    WHERE cx.tri_at IS NOT NULL AND cx.decision = 'refer_to_la';

    RAISE DEBUG 'sg_vol % ms: %', round(extract(epoch FROM clock_timestamp() - t0) * 1000), 'INSERT INTO safeguard.deadline';
    INSERT INTO safeguard.deadline (id, kind, subject_table, subject_id, case_id, organisation_id, policy_id,
        anchor_at, division, status, closed_at, due_at_close)
    OVERRIDING SYSTEM VALUE
    SELECT id, kind, subject_table, cid, c, org, policy_id, anchor, 'england-and-wales',
           status::safeguard.deadline_status, closed_at, due
    FROM dl;

    -- the rungs the sweeper fired while each deadline was open (as src/deadline_sweep.c computes their
    -- instants), 30 s after they fell due (the worker's default interval is 60 s), or at the
    -- first sweep after the deadline opened; none for a backlog (a sweep has yet to see it)
    DROP TABLE IF EXISTS pg_temp.al;
    CREATE TEMP TABLE al AS
    SELECT d.c, d.cid, d.id AS deadline_id, e.rung, d.org, d.kind, d.subject_table, du.due, f.fire,
           greatest(f.fire, d.opened_at) + interval '30 seconds' AS fired_at,
           o.senior_contact_name, o.senior_contact_email,
           array_position(enum_range(NULL::safeguard.alert_rung), e.rung) AS rung_no
    FROM dl d
    JOIN safeguard.deadline_rule r ON r.policy_id = d.policy_id AND r.kind = d.kind
    JOIN safeguard.escalation_rung e ON e.policy_id = d.policy_id AND e.kind = d.kind
    JOIN safeguard.organisation o ON o.id = d.org
    CROSS JOIN LATERAL (SELECT safeguard.deadline_due(r.amount, r.unit, d.anchor, 'england-and-wales') AS due) du
    CROSS JOIN LATERAL (SELECT CASE WHEN e.offset_amount = 0 THEN du.due
                                    WHEN e.offset_unit = 'clock_hours' THEN du.due + make_interval(hours => e.offset_amount)
                                    ELSE (safeguard.add_working_days(((du.due - interval '1 microsecond') AT TIME ZONE 'Europe/London')::date,
                                                                     e.offset_amount, 'england-and-wales') + 1)::timestamp
                                         AT TIME ZONE 'Europe/London' END AS fire) f
    CROSS JOIN sg_vol.conf cf
    WHERE d.c <= cf.n_cases
      AND greatest(f.fire, d.opened_at) + interval '30 seconds' < cf.as_of
      AND (d.closed_rec IS NULL OR greatest(f.fire, d.opened_at) + interval '30 seconds' < d.closed_rec);
    INSERT INTO safeguard.deadline_alert (deadline_id, rung, case_id, organisation_id, kind, subject_table, subject_id,
        due_at, fire_at, fired_at, contact_name, contact_email)
    SELECT deadline_id, rung, c, org, kind, subject_table, cid, due, fire, fired_at, senior_contact_name, senior_contact_email
    FROM al;
    -- their notifications, delivered a few seconds later
    INSERT INTO safeguard.outbox (id, channel, payload, created_at, delivered_at, delivered_by)
    OVERRIDING SYSTEM VALUE
    SELECT deadline_id * 4 + rung_no, 'safeguard_deadline',
           jsonb_strip_nulls(jsonb_build_object('deadline_id', deadline_id, 'rung', rung::text, 'kind', kind,
               'subject_table', subject_table, 'subject_id', cid, 'organisation_id', org, 'due_at', sg_vol.ct(due),
               'case_id', c,
               'contact_name', CASE WHEN rung = 'escalate' THEN senior_contact_name END,
               'contact_email', CASE WHEN rung = 'escalate' THEN senior_contact_email END)),
           fired_at, fired_at + interval '5 seconds', 'notifier'
    FROM al;

    -- the audit rows the workflow writes, in the order it writes them
    RAISE DEBUG 'sg_vol % ms: %', round(extract(epoch FROM clock_timestamp() - t0) * 1000), 'DROP TABLE IF EXISTS pg_temp.ev;';
    DROP TABLE IF EXISTS pg_temp.ev;
    CREATE TEMP TABLE ev AS
    WITH rv AS (SELECT r.*, cx.sender, cx.hub, cx.sam, cx.regulator, cx.la_n FROM safeguard.referral r JOIN cx ON cx.cid = r.id),
    closing AS (  -- the event that closes each case: its last concern's last step
        SELECT DISTINCT ON (x.c) x.c, x.cid, s.closed_at,
               CASE WHEN x.decision <> 'refer_to_la' THEN 2 WHEN x.withdraw_at IS NOT NULL THEN 4 ELSE 8 END AS step,
               CASE WHEN x.decision <> 'refer_to_la' THEN x.triager WHEN x.withdraw_at IS NOT NULL THEN 'vol_admin' ELSE x.hub END AS actor
        FROM cx x JOIN safeguard.safeguarding_case s ON s.id = x.c
        WHERE s.state = 'closed'
        ORDER BY x.c, x.done_at DESC, x.cid DESC)
    -- 1: the concern is logged (its case opened, when new) and its triage deadline opened
    SELECT s.id AS case_id, x.logged_at AS at, x.cid * 100 + 10 AS ord, 'safeguarding_case' AS table_name, s.id::text AS row_key,
           'INSERT' AS action, NULL AS from_state, 'open' AS to_state, x.logger AS actor,
           jsonb_strip_nulls(jsonb_build_object('id', s.id::text, 'la_id', s.la_id::text, 'state', 'open',
               'adult_key', s.adult_key, 'opened_at', sg_vol.ct(s.opened_at), 'adult_pseudonym', s.adult_pseudonym,
               'provider_location_id', s.provider_location_id::text)) AS changes
    FROM cx x JOIN safeguard.safeguarding_case s ON s.id = x.c WHERE x.j = 1
    UNION ALL
    SELECT x.c, x.logged_at, x.cid * 100 + 11, 'concern', n.id::text, 'INSERT', NULL, NULL, x.logger,
           jsonb_strip_nulls(jsonb_build_object('id', n.id::text, 'received_at', sg_vol.ct(n.received_at),
               'channel', n.channel::text, 'source', n.source::text, 'referrer_anonymous', n.referrer_anonymous::text,
               'referrer_name', n.referrer_name, 'referrer_phone', n.referrer_phone,
               'adult_nhs_number', n.adult_nhs_number, 'adult_name', n.adult_name,
               'adult_date_of_birth', to_char(n.adult_date_of_birth, 'YYYY-MM-DD'), 'adult_gender', n.adult_gender::text,
               'adult_ethnicity', n.adult_ethnicity, 'adult_primary_support_reason', n.adult_primary_support_reason,
               'provider_location_id', n.provider_location_id::text, 'la_id', n.la_id::text,
               'risk_types', n.risk_types::text, 'risk_location', n.risk_location::text,
               'source_of_risk', n.source_of_risk::text, 'immediate_risk', n.immediate_risk::text,
               'description', n.description, 'case_id', n.case_id::text, 'joined_open_case', n.joined_open_case::text,
               'logged_by', n.logged_by::text, 'logged_org_id', n.logged_org_id::text, 'logged_at', sg_vol.ct(n.logged_at),
               'adult_age_band', n.adult_age_band, 'adult_identified_by', n.adult_identified_by,
               'referrer_identified', n.referrer_identified::text))
    FROM cx x JOIN safeguard.concern n ON n.id = x.cid
    UNION ALL
    -- deadlines opened: triage at logging, send at triage, three at sending, feedback at the outcome
    SELECT d.c, d.opened_at, d.cid * 100 + CASE d.k WHEN 0 THEN 12 WHEN 1 THEN 24 WHEN 5 THEN 74 ELSE 30 + d.k END,
           'deadline', d.id::text, 'INSERT', NULL, 'open', d.opener,
           jsonb_build_object('id', d.id::text, 'kind', d.kind, 'status', 'open', 'case_id', d.c::text,
               'division', 'england-and-wales', 'anchor_at', sg_vol.ct(d.anchor), 'policy_id', d.policy_id::text,
               'subject_id', d.cid::text, 'subject_table', d.subject_table, 'organisation_id', d.org::text)
    FROM dl d
    UNION ALL
    -- deadlines closed by the step that meets them (or cancelled)
    SELECT d.c, d.closed_rec, d.cid * 100 + CASE d.k WHEN 0 THEN 21 WHEN 1 THEN CASE WHEN d.cancelled THEN 41 ELSE 31 END
                                                  WHEN 2 THEN 51 WHEN 3 THEN 72 WHEN 4 THEN 73 ELSE 81 END,
           'deadline', d.id::text, 'UPDATE', 'open', d.status, d.closer,
           sg_vol.changed(jsonb_build_object('status', jsonb_build_object('new', d.status, 'old', 'open'),
               'closed_at', sg_vol.chg(sg_vol.ct(d.closed_at)),
               'due_at_close', CASE WHEN d.due IS NOT NULL THEN sg_vol.chg(sg_vol.ct(d.due)) END))
    FROM dl d WHERE d.status <> 'open'
    UNION ALL
    SELECT x.c, x.tri_at, x.cid * 100 + 20, 'triage', t.concern_id::text, 'INSERT', NULL, NULL, x.triager,
           jsonb_build_object('concern_id', t.concern_id::text, 'decision', t.decision::text, 'rationale', t.rationale,
               'care_and_support_needs', t.care_and_support_needs::text, 'abuse_or_neglect', t.abuse_or_neglect::text,
               'unable_to_protect_self', t.unable_to_protect_self::text, 'la_id', t.la_id::text, 'case_id', t.case_id::text,
               'decided_by', t.decided_by::text, 'decided_org_id', t.decided_org_id::text,
               'decided_duty', t.decided_duty::text, 'decided_at', sg_vol.ct(t.decided_at),
               'decided_team', t.decided_team, 'rationale_recorded', t.rationale_recorded::text)
    FROM cx x JOIN safeguard.triage t ON t.concern_id = x.cid
    UNION ALL
    SELECT r.case_id, r.created_at, r.id * 100 + 22, 'referral', r.id::text, 'INSERT', NULL, 'awaiting_send',
           r.created_by::text,
           jsonb_build_object('id', r.id::text, 'la_id', r.la_id::text, 'state', 'awaiting_send', 'case_id', r.case_id::text,
               'concern_id', r.concern_id::text, 'created_at', sg_vol.ct(r.created_at),
               'created_by', r.created_by::text, 'immediate_risk', r.immediate_risk::text)
    FROM rv r
    UNION ALL
    SELECT r.case_id, r.sent_recorded_at, r.id * 100 + 30, 'referral', r.id::text, 'UPDATE', 'awaiting_send', 'sent', r.sender,
           jsonb_build_object('state', jsonb_build_object('new', 'sent', 'old', 'awaiting_send'),
               'sent_at', sg_vol.chg(sg_vol.ct(r.sent_at)), 'sent_by', sg_vol.chg(r.sent_by::text),
               'la_contact', sg_vol.chg(r.la_contact), 'sent_method', sg_vol.chg(r.sent_method::text),
               'sent_org_id', sg_vol.chg(r.sent_org_id::text), 'sent_recorded_at', sg_vol.chg(sg_vol.ct(r.sent_recorded_at)))
    FROM rv r WHERE r.sent_at IS NOT NULL
    UNION ALL
    SELECT r.case_id, r.withdrawn_at, r.id * 100 + 40, 'referral', r.id::text, 'UPDATE', 'awaiting_send', 'withdrawn', 'vol_admin',
           jsonb_build_object('state', jsonb_build_object('new', 'withdrawn', 'old', 'awaiting_send'),
               'withdrawal_rationale', sg_vol.chg(r.withdrawal_rationale), 'withdrawn_by', sg_vol.chg(r.withdrawn_by::text),
               'withdrawn_org_id', sg_vol.chg(r.withdrawn_org_id::text), 'withdrawn_at', sg_vol.chg(sg_vol.ct(r.withdrawn_at)),
               'withdrawal_rationale_recorded', sg_vol.chg('true'))
    FROM rv r WHERE r.withdrawn_at IS NOT NULL
    UNION ALL
    SELECT r.case_id, r.acknowledged_at, r.id * 100 + 50, 'referral', r.id::text, 'UPDATE', 'sent', 'acknowledged', r.hub,
           jsonb_build_object('state', jsonb_build_object('new', 'acknowledged', 'old', 'sent'),
               'la_reference', sg_vol.chg(r.la_reference), 'acknowledged_at', sg_vol.chg(sg_vol.ct(r.acknowledged_at)),
               'acknowledged_by', sg_vol.chg(r.acknowledged_by::text), 'acknowledged_org_id', sg_vol.chg(r.acknowledged_org_id::text))
    FROM rv r WHERE r.acknowledged_at IS NOT NULL
    UNION ALL
    SELECT r.case_id, r.allocated_at, r.id * 100 + 55, 'referral', r.id::text, 'UPDATE', 'acknowledged', 'acknowledged', r.sam,
           jsonb_build_object('allocated_at', sg_vol.chg(sg_vol.ct(r.allocated_at)),
               'allocated_by', sg_vol.chg(r.allocated_by::text), 'allocated_to', sg_vol.chg(r.allocated_to::text))
    FROM rv r WHERE r.allocated_at IS NOT NULL
    UNION ALL
    SELECT r.case_id, r.decided_at, r.id * 100 + 60, 'referral', r.id::text, 'UPDATE', 'acknowledged', 'decided', r.hub,
           jsonb_build_object('state', jsonb_build_object('new', 'decided', 'old', 'acknowledged'),
               'decided_at', sg_vol.chg(sg_vol.ct(r.decided_at)), 'decided_by', sg_vol.chg(r.decided_by::text),
               'la_decision', sg_vol.chg(r.la_decision::text), 'decided_org_id', sg_vol.chg(r.decided_org_id::text),
               'la_decision_rationale', sg_vol.chg(r.la_decision_rationale),
               'decision_rationale_recorded', sg_vol.chg(r.decision_rationale_recorded::text))
    FROM rv r WHERE r.decided_at IS NOT NULL
    UNION ALL
    SELECT r.case_id, r.outcome_at, r.id * 100 + 70, 'referral', r.id::text, 'UPDATE', 'decided', 'outcome_recorded', r.hub,
           sg_vol.changed(jsonb_build_object('state', jsonb_build_object('new', 'outcome_recorded', 'old', 'decided'),
               'outcome_at', sg_vol.chg(sg_vol.ct(r.outcome_at)), 'outcome_by', sg_vol.chg(r.outcome_by::text),
               'outcome_org_id', sg_vol.chg(r.outcome_org_id::text),
               'action_result', CASE WHEN r.action_result IS NOT NULL THEN sg_vol.chg(r.action_result::text) END,
               'risk_outcome', CASE WHEN r.risk_outcome IS NOT NULL THEN sg_vol.chg(r.risk_outcome::text) END,
               'harm_from_delay', CASE WHEN r.harm_from_delay IS NOT NULL THEN sg_vol.chg(r.harm_from_delay::text) END,
               'lacked_capacity', CASE WHEN r.lacked_capacity IS NOT NULL THEN sg_vol.chg(r.lacked_capacity::text) END,
               'advocate_supported', CASE WHEN r.advocate_supported IS NOT NULL THEN sg_vol.chg(r.advocate_supported::text) END,
               'msp_asked', CASE WHEN r.msp_asked IS NOT NULL THEN sg_vol.chg(r.msp_asked::text) END,
               'msp_achieved', CASE WHEN r.msp_achieved IS NOT NULL THEN sg_vol.chg(r.msp_achieved::text) END))
    FROM rv r WHERE r.outcome_at IS NOT NULL
    UNION ALL
    SELECT r.case_id, r.closed_at, r.id * 100 + 80, 'referral', r.id::text, 'UPDATE', 'outcome_recorded', 'closed', r.hub,
           sg_vol.changed(jsonb_build_object('state', jsonb_build_object('new', 'closed', 'old', 'outcome_recorded'),
               'closed_at', sg_vol.chg(sg_vol.ct(r.closed_at)), 'closed_by', sg_vol.chg(r.closed_by::text),
               'closed_org_id', sg_vol.chg(r.closed_org_id::text),
               'feedback_at', CASE WHEN r.feedback_at IS NOT NULL THEN sg_vol.chg(sg_vol.ct(r.feedback_at)) END,
               'feedback_method', CASE WHEN r.feedback_method IS NOT NULL THEN sg_vol.chg(r.feedback_method::text) END,
               'feedback_waived_reason', CASE WHEN r.feedback_waived_reason IS NOT NULL THEN sg_vol.chg(r.feedback_waived_reason) END))
    FROM rv r WHERE r.closed_at IS NOT NULL
    UNION ALL
    -- each rung fired, as the sweeper (a superuser without duties) wrote it
    SELECT a.c, a.fired_at, a.cid * 100 + 90 + a.rung_no, 'deadline_alert', a.deadline_id::text, 'INSERT', NULL, a.rung::text,
           current_user::text,
           jsonb_strip_nulls(jsonb_build_object('deadline_id', a.deadline_id::text, 'rung', a.rung::text,
               'case_id', a.c::text, 'organisation_id', a.org::text, 'kind', a.kind, 'subject_table', a.subject_table,
               'subject_id', a.cid::text, 'due_at', sg_vol.ct(a.due), 'fire_at', sg_vol.ct(a.fire),
               'fired_at', sg_vol.ct(a.fired_at), 'contact_name', a.senior_contact_name,
               'contact_email', a.senior_contact_email))
    FROM al a
    UNION ALL
    -- the case closes with the step that ends its last open work
    SELECT k.c, k.closed_at, k.cid * 100 + k.step * 10 + 9, 'safeguarding_case', k.c::text, 'UPDATE', 'open', 'closed', k.actor,
           jsonb_build_object('state', jsonb_build_object('new', 'closed', 'old', 'open'),
                              'closed_at', sg_vol.chg(sg_vol.ct(k.closed_at)))
    FROM closing k;

    RAISE DEBUG 'sg_vol % ms: %', round(extract(epoch FROM clock_timestamp() - t0) * 1000), '-- chain positions';
    -- chain positions and canonical encodings (audit_encoding.c) of the rows
    DROP TABLE IF EXISTS pg_temp.au;
    CREATE TEMP TABLE au AS
    SELECT q.*,
           sg_vol.f(1, sg_vol.ct(q.at)) || sg_vol.f(2, sg_vol.ct(q.at)) || sg_vol.f(3, q.txid::text)
           || sg_vol.f(4, q.actor) || sg_vol.f(5, q.actor) || sg_vol.f(6, q.org_id::text) || sg_vol.f(7, q.duty)
           || sg_vol.f(8, q.table_name) || sg_vol.f(9, q.row_key) || sg_vol.f(10, q.case_id::text)
           || sg_vol.f(11, q.action) || sg_vol.f(12, q.from_state) || sg_vol.f(13, q.to_state)
           || sg_vol.f(14, q.changes::text) || sg_vol.f(15, 'casework-app') || sg_vol.f(16, NULL)
           || sg_vol.f(17, q.chain_key) || sg_vol.f(18, q.seq::text) AS enc
    FROM (
        SELECT ev.*, a.org_id, a.duty, 'case:' || ev.case_id AS chain_key,
               -- one transaction per step: the concern and the step name it
               ((ev.ord / 10) * 10)::text::xid8 AS txid,
               row_number() OVER (PARTITION BY ev.case_id ORDER BY ev.at, ev.ord, ev.row_key) AS seq
        FROM ev LEFT JOIN sg_vol.actor a ON a.role = ev.actor) q;
    CREATE INDEX ON au (case_id, seq);
    ANALYZE au;
    RAISE DEBUG 'sg_vol % ms: %', round(extract(epoch FROM clock_timestamp() - t0) * 1000), 'hashes';

    -- the hashes, level by level down every chain at once: row_hash = SHA-256(prev_hash || encoding)
    SET LOCAL enable_mergejoin = off;   -- one index probe per row, not a scan per level
    SET LOCAL enable_hashjoin = off;
    INSERT INTO safeguard.audit_event (id, recorded_at, business_time, txid, login_role, acting_role, organisation_id,
        duty, table_name, row_key, case_id, action, from_state, to_state, changes, application_name, client_addr,
        chain_key, chain_seq, prev_hash, row_hash)
    OVERRIDING SYSTEM VALUE
    WITH RECURSIVE r(case_id, seq, prev_hash, row_hash) AS (
        SELECT au.case_id, au.seq, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea,
               sha256('\x0000000000000000000000000000000000000000000000000000000000000000'::bytea || au.enc)
        FROM au WHERE au.seq = 1
        UNION ALL
        SELECT au.case_id, au.seq, r.row_hash, sha256(r.row_hash || au.enc)
        FROM r JOIN au ON au.case_id = r.case_id AND au.seq = r.seq + 1)
    SELECT 1000000000 + h.case_id * 100 + h.seq, h.at, h.at, h.txid, h.actor, h.actor, h.org_id, h.duty::safeguard.duty,
           h.table_name, h.row_key, h.case_id, h.action, h.from_state, h.to_state, h.changes, 'casework-app', NULL,
           h.chain_key, h.seq, r.prev_hash, r.row_hash
    FROM r JOIN au h ON h.case_id = r.case_id AND h.seq = r.seq;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- Disables (false) or restores (true) the user triggers of the loaded tables and the DDL
-- event triggers, as a restore does; restoring makes every trigger fire ALWAYS again.
CREATE OR REPLACE FUNCTION sg_vol.triggers(enable boolean) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    t text;
    g record;
BEGIN
    IF NOT enable THEN
        ALTER EVENT TRIGGER safeguard_guard_ddl DISABLE;
        ALTER EVENT TRIGGER safeguard_guard_drop DISABLE;
        FOREACH t IN ARRAY ARRAY['safeguarding_case', 'concern', 'triage', 'referral', 'deadline', 'audit_event',
                                 'deadline_alert', 'outbox'] LOOP
            EXECUTE format('ALTER TABLE safeguard.%I DISABLE TRIGGER USER', t);
        END LOOP;
    ELSE
        FOR g IN SELECT c.relname, tg.tgname FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
                 WHERE c.relnamespace = 'safeguard'::regnamespace AND NOT tg.tgisinternal AND tg.tgenabled <> 'A' LOOP
            EXECUTE format('ALTER TABLE safeguard.%I ENABLE ALWAYS TRIGGER %I', g.relname, g.tgname);
        END LOOP;
        ALTER EVENT TRIGGER safeguard_guard_ddl ENABLE ALWAYS;
        ALTER EVENT TRIGGER safeguard_guard_drop ENABLE ALWAYS;
    END IF;
END
$$;

-- Loads cases [a, b] in batches of batch cases, one transaction each (call outside a transaction).
CREATE OR REPLACE PROCEDURE sg_vol.load(a integer, b integer, batch integer DEFAULT 20000)
LANGUAGE plpgsql AS $$
DECLARE
    lo integer := a;
    t0 timestamptz;
    n bigint;
BEGIN
    WHILE lo <= b LOOP
        t0 := clock_timestamp();
        PERFORM sg_vol.triggers(false);
        SET LOCAL session_replication_role = replica;
        n := sg_vol.load_batch(lo, least(lo + batch - 1, b));
        -- the sweep's schedule of the deadlines loaded open (its trigger was off, as in a
        -- restore): what a 1.5 sweep reads to find the rungs due
        PERFORM safeguard.rebuild_deadline_schedule();
        PERFORM sg_vol.triggers(true);
        INSERT INTO sg_vol.loaded (case_from, case_to, seconds)
        VALUES (lo, least(lo + batch - 1, b), extract(epoch FROM clock_timestamp() - t0));
        RAISE NOTICE 'cases % to %: % audit rows in % s', lo, least(lo + batch - 1, b), n,
            round(extract(epoch FROM clock_timestamp() - t0)::numeric, 1);
        COMMIT;
        lo := lo + batch;
    END LOOP;
END
$$;

-- The cases of a backlog of n referrals sent 75 days before as_of and never acknowledged:
-- each has three open deadlines (la_acknowledgement, la_outcome, la_outcome_escalation)
-- whose three rungs (due_soon, breach, escalate) are all due, so 3n breaches wait for the
-- sweep.  Load them with CALL sg_vol.load(case_from, case_to) (not followed by finish()).
-- Backlog case numbers start at 10,000,001 or past every id already in the tables, whichever
-- is higher.  Loading rows with their ids moves each identity past them (1.5), so the workflow
-- numbers what it writes after a backlog above that backlog; the next backlog must start past
-- those rows too, in every table whose ids derive from the case number: concern and referral
-- 3(c-1)+j, deadline 8 per concern, outbox 4 per deadline, audit_event 10^9 + 100c + seq.
CREATE OR REPLACE FUNCTION sg_vol.backlog_range(n integer) RETURNS TABLE (case_from integer, case_to integer)
LANGUAGE sql STABLE AS $$
    SELECT c, c + n - 1
    FROM (SELECT 1 + greatest(10000000,
                              (SELECT max(case_to) FROM sg_vol.loaded),
                              (SELECT max(id) FROM safeguard.safeguarding_case),
                              (SELECT max(id) / 3 + 1 FROM safeguard.concern),
                              (SELECT max(id) / 3 + 1 FROM safeguard.referral),
                              (SELECT max(id) / 24 + 1 FROM safeguard.deadline),
                              (SELECT max(id) / 96 + 1 FROM safeguard.outbox),
                              (SELECT (max(id) - 1000000000) / 100 + 1 FROM safeguard.audit_event))::integer AS c) first
$$;

-- After loading: identity sequences past every loaded id, statistics fresh.
CREATE OR REPLACE FUNCTION sg_vol.finish() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['safeguarding_case', 'concern', 'referral', 'deadline', 'audit_event', 'outbox'] LOOP
        EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), greatest((SELECT max(id) FROM safeguard.%I), 1))',
                       'safeguard.' || t, t);
    END LOOP;
END
$$;

-- test/generator/generator.sql: a deterministic, seeded data generator.
--
-- Builds casework with known answers by driving the real workflow: every
-- concern, triage, referral transition and allocation goes through the
-- safeguard functions as the duty that may make it, at a pinned clock, so
-- the C guards, deadlines and audit see exactly what production would.
-- Alongside, it keeps its intent in sg_gen.plan (one row per concern: who,
-- when, what answers), which the tests use to compute the expected figures
-- of every report independently of the extension's views.
--
-- Use (as a superuser, in a database with safeguard installed):
--     \i test/generator/generator.sql
--     SELECT sg_gen.setup();                    -- organisations, roles, duties
--     SELECT sg_gen.plan(seed, concerns, from, to);   -- the intent, deterministic
--     SELECT sg_gen.plan_council(seed, concerns, from, to);  -- optional (1.5 on): the
--                                               -- council's own pathway, drawn after plan()
--     SELECT sg_gen.execute(as_of);             -- replays both up to as_of
-- The same seed gives the same plan and the same data.  Events after as_of
-- are not replayed, so the data ends with work in every state.
--
-- Times: concerns arrive on working-hour instants between from and to;
-- each later step follows after a drawn delay.  Around 1 in 6 steps is
-- slower than its deadline, so both sides of every indicator are filled.

SET client_min_messages = warning;
DROP SCHEMA IF EXISTS sg_gen CASCADE;
CREATE SCHEMA sg_gen;

-- A counter-based generator: value i of stream s for seed k, uniform in [0,1).
-- (Pure arithmetic, so a plan is the same on every server and session.)
CREATE FUNCTION sg_gen.u(k bigint, i bigint, s integer) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$
    SELECT ((('x' || substr(md5(k::text || ':' || i::text || ':' || s::text), 1, 12))::bit(48)::bigint)
            / 281474976710656.0)::double precision
$$;

-- Draws an element of an array with stream s.
CREATE FUNCTION sg_gen.pick(a anyarray, k bigint, i bigint, s integer) RETURNS anyelement
LANGUAGE sql IMMUTABLE AS $$
    SELECT a[1 + floor(sg_gen.u(k, i, s) * array_length(a, 1))::int]
$$;

-- A valid NHS number for a person number (modulus 11; check digit 10 skipped).
CREATE FUNCTION sg_gen.nhs_number(person integer) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    base bigint := 400000000 + person::bigint * 7;
    digits text;
    s int;
    c int;
BEGIN
    LOOP
        digits := lpad(base::text, 9, '0');
        s := 0;
        FOR j IN 1..9 LOOP
            s := s + substr(digits, j, 1)::int * (11 - j);
        END LOOP;
        c := 11 - (s % 11);
        IF c = 11 THEN c := 0; END IF;
        EXIT WHEN c <> 10;
        base := base + 1;
    END LOOP;
    RETURN digits || c::text;
END
$$;

-- True when safeguard's table has the column (the generator also runs at 1.1-1.4).
CREATE FUNCTION sg_gen.has_column(t text, c text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM pg_attribute
                   WHERE attrelid = ('safeguard.' || t)::regclass AND attname = c AND NOT attisdropped)
$$;

-- How a person (a number; NULL: unknown) is always reported: by NHS number, or
-- by name and birth date, with the same gender, ethnicity, support reason and
-- autism each time.  Shared by both plans, so an adult can appear in both.
CREATE FUNCTION sg_gen.adult(person integer, OUT nhs_number text, OUT adult_name text, OUT date_of_birth date,
    OUT gender safeguard.sac_gender, OUT ethnicity text, OUT support_reason text, OUT autism text)
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN person % 3 <> 0 THEN sg_gen.nhs_number(person) END,
           CASE WHEN person IS NOT NULL THEN 'Person ' || person END,
           CASE WHEN person IS NOT NULL AND person % 5 <> 4
                THEN date '1925-01-01' + (abs(hashint4(person)) % 27000) END,
           CASE WHEN person IS NULL THEN 'Not Known'
                ELSE (enum_range(NULL::safeguard.sac_gender))[1 + abs(hashint4(person + 1)) % 3] END,
           CASE WHEN person IS NOT NULL AND person % 7 <> 0
                THEN (ARRAY['A', 'A', 'B', 'C', 'D', 'G', 'H', 'J', 'K', 'M', 'N', 'R', 'S', 'Z', '99'])[1 + abs(hashint4(person + 2)) % 15] END,
           CASE WHEN person IS NOT NULL AND person % 6 <> 0
                THEN (ARRAY['Physical Support', 'Sensory Support', 'Support with Memory and Cognition',
                            'Learning Disability Support', 'Mental Health Support', 'Social Support',
                            'No Support Reason', 'Not Known'])[1 + abs(hashint4(person + 3)) % 8] END,
           CASE WHEN person IS NOT NULL AND person % 4 = 1
                THEN (ARRAY['Autism (excluding Asperger''s Syndrome)',
                            'Asperger''s Syndrome / High Functioning Autism'])[1 + abs(hashint4(person + 4)) % 2] END
$$;

CREATE TABLE sg_gen.org (code text PRIMARY KEY, id bigint NOT NULL, kind text NOT NULL);
CREATE TABLE sg_gen.actor (role text PRIMARY KEY, duty text NOT NULL, org_code text NOT NULL, team text);

-- Organisations and people: the regulator with two inspection teams and a
-- contact centre; three local authorities (one in Scotland's division),
-- each with two officers in two teams and a manager; readers; a provider
-- with four locations spread over the authorities.
CREATE FUNCTION sg_gen.setup() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    INSERT INTO safeguard.organisation (kind, name, code)
    VALUES ('regulator', 'GEN Care Quality Commission', 'GEN-CQC');
    INSERT INTO safeguard.organisation (kind, name, code, division, senior_contact_name, senior_contact_email)
    VALUES ('local_authority', 'GEN Ashford Council', 'GEN-LA1', 'england-and-wales', 'Avery Senior', 'avery@la1.example'),
           ('local_authority', 'GEN Brookside Council', 'GEN-LA2', 'england-and-wales', 'Blake Senior', 'blake@la2.example'),
           ('local_authority', 'GEN Clydebank Council', 'GEN-LA3', 'scotland', 'Casey Senior', 'casey@la3.example');
    -- Since 1.5: CASSR and ONS codes in the forms NHS England's returns use (none is a real council's).
    IF sg_gen.has_column('organisation', 'cassr_code') THEN
        EXECUTE $u$UPDATE safeguard.organisation o SET cassr_code = c.cassr, ons_code = c.ons
                   FROM (VALUES ('GEN-LA1', '901', 'E06000901'), ('GEN-LA2', '902', 'E08000902'),
                                ('GEN-LA3', '903', 'E10000903')) c(code, cassr, ons)
                   WHERE o.code = c.code$u$;
    END IF;
    INSERT INTO safeguard.organisation (kind, name, code) VALUES ('provider', 'GEN Harbour Care Ltd', 'GEN-P1');
    INSERT INTO sg_gen.org SELECT code, id, kind::text FROM safeguard.organisation WHERE code LIKE 'GEN-%';
    INSERT INTO safeguard.organisation (kind, name, code, parent_id, la_id)
    SELECT 'provider_location', 'GEN Harbour House ' || n, 'GEN-LOC' || n,
           (SELECT id FROM sg_gen.org WHERE code = 'GEN-P1'),
           (SELECT id FROM sg_gen.org WHERE code = 'GEN-LA' || (1 + (n - 1) % 3))
    FROM generate_series(1, 4) n;
    INSERT INTO sg_gen.org SELECT code, id, kind::text FROM safeguard.organisation WHERE code LIKE 'GEN-LOC%';

    INSERT INTO sg_gen.actor VALUES
        ('gen_admin', 'admin', 'GEN-CQC', NULL),
        ('gen_cc', 'contact_centre', 'GEN-CQC', 'Contact Centre'),
        ('gen_insp_north', 'inspector', 'GEN-CQC', 'Inspection North'),
        ('gen_insp_south', 'inspector', 'GEN-CQC', 'Inspection South'),
        ('gen_reader_cqc', 'reader', 'GEN-CQC', NULL),
        ('gen_reader_la1', 'reader', 'GEN-LA1', NULL);
    INSERT INTO sg_gen.actor
    SELECT format('gen_la%s_%s', n, t.suffix), t.duty, 'GEN-LA' || n, t.team
    FROM generate_series(1, 3) n,
         (VALUES ('hub', 'la_officer', 'Safeguarding Hub'), ('locality', 'la_officer', 'Locality Team'),
                 ('sam', 'sam', 'Safeguarding Hub')) t(suffix, duty, team);
    FOR r IN SELECT a.*, o.id AS org_id FROM sg_gen.actor a JOIN sg_gen.org o ON o.code = a.org_code ORDER BY a.role LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r.role) THEN
            EXECUTE format('CREATE ROLE %I LOGIN', r.role);
        END IF;
        PERFORM safeguard.grant_duty(r.role::regrole, r.duty::safeguard.duty, r.org_id, r.team);
    END LOOP;
END
$$;

-- The intent: one row per concern, every answer and every step's instant.
CREATE TABLE sg_gen.plan (
    n                integer PRIMARY KEY,
    la_code          text NOT NULL,
    logged_by_la     boolean NOT NULL,
    logger           text NOT NULL,
    triager          text NOT NULL,
    team             text NOT NULL,
    source           safeguard.concern_source NOT NULL,
    channel          safeguard.concern_channel NOT NULL,
    anonymous        boolean NOT NULL,
    received_at      timestamptz NOT NULL,
    person           integer,            -- NULL: adult unknown
    nhs_number       text,
    adult_name       text,
    date_of_birth    date,
    gender           safeguard.sac_gender NOT NULL,
    ethnicity        text,               -- an NHS Data Dictionary ethnic category code
    support_reason   text,               -- an SG1d primary support reason
    autism           text,               -- a safeguard.sac_autism label (1.5)
    location_code    text,
    risk_types       safeguard.sac_risk_type[] NOT NULL,
    risk_location    safeguard.sac_risk_location,
    source_of_risk   safeguard.sac_source_of_risk,
    immediate        boolean NOT NULL,
    triage_at        timestamptz NOT NULL,
    decision         safeguard.triage_decision NOT NULL,
    sent_at          timestamptz,
    ack_at           timestamptz,
    allocate_at      timestamptz,
    allocate_to      text,
    decide_at        timestamptz,
    la_decision      safeguard.la_decision,
    outcome_at       timestamptz,
    action_result    safeguard.sac_action_result,
    risk_outcome     safeguard.sac_risk_outcome,
    lacked_capacity  safeguard.sac_capacity,
    advocate         boolean,
    msp_asked        safeguard.sac_msp_asked,
    msp_achieved     safeguard.sac_msp_achieved,
    close_at         timestamptz,
    concern_id       bigint,             -- filled by execute()
    referral_id      bigint
);

-- Draws the plan for a seed: concerns received between from_date and to_date.
CREATE FUNCTION sg_gen.plan(seed bigint, concerns integer, from_date date, to_date date)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    k bigint := seed;
    people integer := greatest(concerns * 2 / 3, 1);
    span integer := to_date - from_date;
    i integer;
    la integer;
    by_la boolean;
    person integer;
    rec_at timestamptz;
    tri_at timestamptz;
    sent timestamptz;
    ack timestamptz;
    dec_at timestamptz;
    out_at timestamptz;
    cls_at timestamptz;
    decision safeguard.triage_decision;
    la_dec safeguard.la_decision;
    result safeguard.sac_action_result;
    cap safeguard.sac_capacity;
    asked safeguard.sac_msp_asked;
    imm boolean;
    anon boolean;
    src safeguard.concern_source;
    loc text;
    slow boolean;
BEGIN
    DELETE FROM sg_gen.plan;
    FOR i IN 1..concerns LOOP
        la := 1 + floor(sg_gen.u(k, i, 1) * 3)::int;
        by_la := sg_gen.u(k, i, 2) < 0.2;
        -- a working-hours instant (08:00-17:00 UTC) on a drawn day
        rec_at := (from_date + floor(sg_gen.u(k, i, 3) * span)::int)::timestamp AT TIME ZONE 'UTC'
                  + make_interval(hours => 8 + floor(sg_gen.u(k, i, 4) * 9)::int,
                                  mins => floor(sg_gen.u(k, i, 5) * 60)::int);
        -- two thirds of concerns are about a known adult, drawn from a pool so repeats happen
        person := CASE WHEN sg_gen.u(k, i, 6) < 0.67 THEN 1 + floor(sg_gen.u(k, i, 7) * people)::int END;
        src := sg_gen.pick('{member_of_public,relative,professional,provider,whistleblower,anonymous}'::safeguard.concern_source[], k, i, 8);
        anon := src = 'anonymous';
        loc := CASE WHEN sg_gen.u(k, i, 9) < 0.5 THEN 'GEN-LOC' || (1 + floor(sg_gen.u(k, i, 10) * 4)::int) END;
        -- a concern at a location belongs to the location's authority
        IF loc IS NOT NULL THEN
            la := 1 + (substr(loc, 8)::int - 1) % 3;
        END IF;
        imm := NOT by_la AND sg_gen.u(k, i, 11) < 0.1;
        slow := sg_gen.u(k, i, 12) < 0.17;
        tri_at := rec_at + make_interval(hours => CASE WHEN slow THEN 30 + floor(sg_gen.u(k, i, 13) * 60)::int
                                                      ELSE 1 + floor(sg_gen.u(k, i, 13) * 6)::int END);
        decision := CASE WHEN by_la THEN 'no_referral'
                         WHEN sg_gen.u(k, i, 14) < 0.75 THEN 'refer_to_la'
                         ELSE 'no_referral' END;
        sent := NULL; ack := NULL; dec_at := NULL; out_at := NULL; cls_at := NULL;
        la_dec := NULL; result := NULL; cap := NULL; asked := NULL;
        IF decision = 'refer_to_la' THEN
            slow := sg_gen.u(k, i, 15) < 0.17;
            sent := tri_at + CASE WHEN imm THEN make_interval(mins => CASE WHEN slow THEN 300 ELSE 60 END)
                                  WHEN slow THEN make_interval(hours => 50 + floor(sg_gen.u(k, i, 16) * 50)::int)
                                  ELSE make_interval(hours => 1 + floor(sg_gen.u(k, i, 16) * 5)::int) END;
            ack := sent + make_interval(hours => 2 + floor(sg_gen.u(k, i, 17) * 70)::int);
            dec_at := ack + make_interval(days => 1 + floor(sg_gen.u(k, i, 18) * 10)::int);
            la_dec := sg_gen.pick('{section_42_enquiry,section_42_enquiry,other_enquiry,no_enquiry}'::safeguard.la_decision[], k, i, 19);
            out_at := dec_at + make_interval(days => CASE WHEN sg_gen.u(k, i, 20) < 0.17 THEN 30 + floor(sg_gen.u(k, i, 21) * 20)::int
                                                         ELSE 2 + floor(sg_gen.u(k, i, 21) * 10)::int END);
            cls_at := out_at + make_interval(days => CASE WHEN sg_gen.u(k, i, 22) < 0.17 THEN 9 ELSE 1 END,
                                             hours => floor(sg_gen.u(k, i, 23) * 5)::int);
            IF la_dec <> 'no_enquiry' THEN
                result := sg_gen.pick(enum_range(NULL::safeguard.sac_action_result), k, i, 24);
                -- one enquiry in eight has capacity or MSP not recorded
                cap := CASE WHEN sg_gen.u(k, i, 25) >= 0.125 THEN sg_gen.pick(enum_range(NULL::safeguard.sac_capacity), k, i, 26) END;
                asked := CASE WHEN sg_gen.u(k, i, 27) >= 0.125 THEN sg_gen.pick(enum_range(NULL::safeguard.sac_msp_asked), k, i, 28) END;
            END IF;
        END IF;
        INSERT INTO sg_gen.plan SELECT
            i, 'GEN-LA' || la, by_la,
            CASE WHEN by_la THEN format('gen_la%s_hub', la)
                 WHEN sg_gen.u(k, i, 29) < 0.5 THEN 'gen_cc' ELSE 'gen_insp_north' END,
            CASE WHEN by_la THEN format('gen_la%s_%s', la, CASE WHEN sg_gen.u(k, i, 30) < 0.5 THEN 'hub' ELSE 'locality' END)
                 WHEN sg_gen.u(k, i, 30) < 0.5 THEN 'gen_insp_north' ELSE 'gen_insp_south' END,
            '',
            src, sg_gen.pick('{phone,email,web_form,letter,inspection}'::safeguard.concern_channel[], k, i, 31),
            anon, rec_at, person,
            a.nhs_number, a.adult_name, a.date_of_birth, a.gender, a.ethnicity, a.support_reason, a.autism,
            loc,
            CASE WHEN sg_gen.u(k, i, 32) < 0.3
                 THEN ARRAY[sg_gen.pick(enum_range(NULL::safeguard.sac_risk_type), k, i, 33),
                            sg_gen.pick(enum_range(NULL::safeguard.sac_risk_type), k, i, 34)]
                 ELSE ARRAY[sg_gen.pick(enum_range(NULL::safeguard.sac_risk_type), k, i, 33)] END,
            CASE WHEN sg_gen.u(k, i, 35) >= 0.1 THEN sg_gen.pick(enum_range(NULL::safeguard.sac_risk_location), k, i, 36) END,
            CASE WHEN sg_gen.u(k, i, 37) >= 0.1 THEN sg_gen.pick(enum_range(NULL::safeguard.sac_source_of_risk), k, i, 38) END,
            imm, tri_at, decision, sent, ack,
            CASE WHEN ack IS NOT NULL AND sg_gen.u(k, i, 39) < 0.6 THEN ack + interval '1 hour' END,
            format('gen_la%s_%s', la, CASE WHEN sg_gen.u(k, i, 40) < 0.5 THEN 'hub' ELSE 'locality' END),
            dec_at, la_dec, out_at, result,
            CASE WHEN result IN ('Risk identified and action taken', 'Risk Assessment inconclusive and action taken')
                 THEN sg_gen.pick(enum_range(NULL::safeguard.sac_risk_outcome), k, i, 41) END,
            cap,
            CASE WHEN cap = 'Yes, they lacked capacity' AND sg_gen.u(k, i, 42) >= 0.2 THEN sg_gen.u(k, i, 43) < 0.7 END,
            asked,
            CASE WHEN asked = 'Yes, they were asked and outcomes were expressed'
                 THEN sg_gen.pick(enum_range(NULL::safeguard.sac_msp_achieved), k, i, 44) END,
            cls_at, NULL, NULL
        FROM sg_gen.adult(person) a;
    END LOOP;
    -- the team is the triager's grant's team; the answers above depend only on the seed
    UPDATE sg_gen.plan p SET team = a.team FROM sg_gen.actor a WHERE a.role = p.triager;
    RETURN concerns;
END
$$;

-- Replays the plan in time order up to as_of, each step as its duty.
CREATE FUNCTION sg_gen.execute(as_of timestamptz) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    e record;
    p sg_gen.plan;
    la_id bigint;
    steps integer := 0;
    late boolean;
    loc_id bigint;
    new_id bigint;
    hub text;                           -- the authority's hub officer and manager
    sam text;
    with_autism boolean := sg_gen.has_column('concern', 'adult_autism');  -- 1.5 on
BEGIN
    FOR e IN
        SELECT * FROM (
            SELECT n, 1 AS step, received_at + interval '5 minutes' AS at FROM sg_gen.plan
            UNION ALL SELECT n, 2, triage_at FROM sg_gen.plan
            UNION ALL SELECT n, 3, sent_at + interval '10 minutes' FROM sg_gen.plan WHERE sent_at IS NOT NULL
            UNION ALL SELECT n, 4, ack_at FROM sg_gen.plan WHERE ack_at IS NOT NULL
            UNION ALL SELECT n, 5, allocate_at FROM sg_gen.plan WHERE allocate_at IS NOT NULL
            UNION ALL SELECT n, 6, decide_at FROM sg_gen.plan WHERE decide_at IS NOT NULL
            UNION ALL SELECT n, 7, outcome_at FROM sg_gen.plan WHERE outcome_at IS NOT NULL
            UNION ALL SELECT n, 8, close_at FROM sg_gen.plan WHERE close_at IS NOT NULL
            -- the council plan's steps (sg_gen.council_step): 11 log, 12 decide, 13 allocate,
            -- 14 start, 15 strategy discussion, 16 plan, 17 conclude, 18 close
            UNION ALL SELECT n, 10 + s.step, s.at FROM sg_gen.council_plan c
                CROSS JOIN LATERAL (VALUES (1, c.received_at + interval '5 minutes'), (2, c.decide_at),
                    (3, c.allocate_at), (4, c.start_at), (5, c.strategy_at), (6, c.plan_at), (7, c.conclude_at),
                    (8, c.close_at)) s(step, at)
                WHERE s.at IS NOT NULL
        ) ev
        WHERE ev.at < as_of
        ORDER BY ev.at, ev.n, ev.step
    LOOP
        IF e.step > 10 THEN
            PERFORM safeguard.set_clock(e.at);
            PERFORM sg_gen.council_step(e.n, e.step - 10);
            steps := steps + 1;
            CONTINUE;
        END IF;
        SELECT * INTO p FROM sg_gen.plan WHERE n = e.n;
        SELECT o.id INTO la_id FROM sg_gen.org o WHERE o.code = p.la_code;
        hub := format('gen_la%s_hub', substr(p.la_code, 7));
        sam := format('gen_la%s_sam', substr(p.la_code, 7));
        PERFORM safeguard.set_clock(e.at);
        CASE e.step
        WHEN 1 THEN
            SELECT id INTO loc_id FROM sg_gen.org WHERE code = p.location_code;
            EXECUTE format('SET ROLE %I', p.logger);
            -- the autism diagnosis is recorded since 1.5 (SG1e)
            IF with_autism THEN
                new_id := safeguard.log_concern(
                    received_at => p.received_at, channel => p.channel, source => p.source,
                    description => 'Generated concern ' || p.n, risk_types => p.risk_types,
                    la_id => la_id,
                    provider_location_id => loc_id,
                    referrer_anonymous => p.anonymous,
                    referrer_name => CASE WHEN NOT p.anonymous THEN 'Referrer ' || p.n END,
                    referrer_phone => CASE WHEN NOT p.anonymous THEN '07700 900' || lpad((p.n % 1000)::text, 3, '0') END,
                    adult_nhs_number => p.nhs_number, adult_name => p.adult_name,
                    adult_date_of_birth => p.date_of_birth, adult_gender => p.gender,
                    risk_location => p.risk_location, source_of_risk => p.source_of_risk,
                    immediate_risk => p.immediate, adult_ethnicity => p.ethnicity,
                    adult_primary_support_reason => p.support_reason,
                    adult_autism => p.autism::safeguard.sac_autism);
            ELSE
                new_id := safeguard.log_concern(
                    received_at => p.received_at, channel => p.channel, source => p.source,
                    description => 'Generated concern ' || p.n, risk_types => p.risk_types,
                    la_id => la_id,
                    provider_location_id => loc_id,
                    referrer_anonymous => p.anonymous,
                    referrer_name => CASE WHEN NOT p.anonymous THEN 'Referrer ' || p.n END,
                    referrer_phone => CASE WHEN NOT p.anonymous THEN '07700 900' || lpad((p.n % 1000)::text, 3, '0') END,
                    adult_nhs_number => p.nhs_number, adult_name => p.adult_name,
                    adult_date_of_birth => p.date_of_birth, adult_gender => p.gender,
                    risk_location => p.risk_location, source_of_risk => p.source_of_risk,
                    immediate_risk => p.immediate, adult_ethnicity => p.ethnicity,
                    adult_primary_support_reason => p.support_reason);
            END IF;
            RESET ROLE;
            UPDATE sg_gen.plan SET concern_id = new_id WHERE n = p.n;
        WHEN 2 THEN
            EXECUTE format('SET ROLE %I', p.triager);
            new_id := safeguard.triage_concern(p.concern_id, p.decision,
                'Generated rationale ' || p.n, true, true, p.decision = 'refer_to_la');
            RESET ROLE;
            UPDATE sg_gen.plan SET referral_id = new_id WHERE n = p.n;
        WHEN 3 THEN
            SET ROLE gen_cc;
            PERFORM safeguard.send_referral(p.referral_id, 'secure_email', sent_at => p.sent_at,
                                            la_contact => 'Duty desk ' || p.la_code);
            RESET ROLE;
        WHEN 4 THEN
            EXECUTE format('SET ROLE %I', hub);
            PERFORM safeguard.acknowledge_referral(p.referral_id, p.ack_at, 'REF-' || p.n);
            RESET ROLE;
        WHEN 5 THEN
            EXECUTE format('SET ROLE %I', sam);
            PERFORM safeguard.allocate_referral(p.referral_id, p.allocate_to::regrole);
            RESET ROLE;
        WHEN 6 THEN
            EXECUTE format('SET ROLE %I', hub);
            PERFORM safeguard.decide_referral(p.referral_id, p.la_decision, 'Generated decision ' || p.n);
            RESET ROLE;
        WHEN 7 THEN
            SELECT d.status = 'breached' INTO late FROM safeguard.deadline d
             WHERE d.subject_table = 'referral' AND d.subject_id = p.referral_id
               AND d.kind IN ('send', 'send_immediate') ORDER BY d.status DESC LIMIT 1;
            EXECUTE format('SET ROLE %I', hub);
            PERFORM safeguard.record_referral_outcome(p.referral_id, p.action_result, p.risk_outcome,
                CASE WHEN late THEN 'no_harm'::safeguard.harm_finding END,
                p.lacked_capacity, p.advocate, p.msp_asked, p.msp_achieved);
            RESET ROLE;
        WHEN 8 THEN
            EXECUTE format('SET ROLE %I', hub);
            IF p.anonymous THEN
                PERFORM safeguard.close_referral(p.referral_id, feedback_waived_reason => 'Anonymous referrer');
            ELSE
                PERFORM safeguard.close_referral(p.referral_id, p.close_at, 'phone');
            END IF;
            RESET ROLE;
        END CASE;
        steps := steps + 1;
    END LOOP;
    PERFORM safeguard.set_clock(as_of);
    RETURN steps;
END
$$;

-- The council's own pathway (issue 16; 1.5 on): concerns an authority's hub
-- logs from the sources a council's front door records, the authority's
-- decision on each (section 42 enquiry, other enquiry, or no enquiry and what
-- was done instead), and each enquiry's steps: allocation by the manager,
-- the start with Making Safeguarding Personal, a strategy discussion, the
-- plan, the outcome and the manager's closure with feedback.  Drawn from
-- streams of their own (100 on), so sg_gen.plan is unchanged, and replayed by
-- sg_gen.execute with it in one time order.  Adults come from a pool of their
-- own (10001 on; every eleventh has died: a retrospective enquiry), and one
-- concern in eight is about an adult of sg_gen.plan, so an adult may have
-- enquiries in both pathways.  Some enquiries are never allocated: the
-- virtual worker's caseload.
CREATE TABLE sg_gen.council_plan (
    n                integer PRIMARY KEY,
    la_code          text NOT NULL,
    logger           text NOT NULL,
    decider          text NOT NULL,       -- its grant's team is the enquiry's team
    team             text NOT NULL,
    source           text NOT NULL,       -- a council source of safeguard.concern_source
    anonymous        boolean NOT NULL,
    received_at      timestamptz NOT NULL,
    person           integer,
    date_of_death    date,
    risk_types       safeguard.sac_risk_type[] NOT NULL,
    decide_at        timestamptz NOT NULL,
    decision         safeguard.la_decision NOT NULL,
    alternative      text,                -- a safeguard.alternative_action, for no_enquiry
    allocate_at      timestamptz,
    allocate_to      text,
    start_at         timestamptz,
    msp_asked        safeguard.sac_msp_asked,
    lacked_capacity  safeguard.sac_capacity,
    advocate         boolean,
    strategy_at      timestamptz,
    plan_at          timestamptz,
    conclude_at      timestamptz,
    action_result    safeguard.sac_action_result,
    found_types      safeguard.sac_risk_type[],
    risk_location    safeguard.sac_risk_location,
    source_of_risk   safeguard.sac_source_of_risk,
    risk_outcome     safeguard.sac_risk_outcome,
    msp_achieved     safeguard.sac_msp_achieved,
    close_at         timestamptz,
    concern_id       bigint,              -- filled by execute()
    enquiry_id       bigint
);

-- Draws the council plan for a seed: concerns received between from_date and to_date.
-- Call after sg_gen.plan (its adults are drawn from); replayed by sg_gen.execute.
CREATE FUNCTION sg_gen.plan_council(seed bigint, concerns integer, from_date date, to_date date)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    k bigint := seed;
    people integer := greatest(concerns / 2, 1);
    main_people integer := (SELECT max(person) FROM sg_gen.plan);
    span integer := to_date - from_date;
    i integer;
    la integer;
    person integer;
    died date;
    rec_at timestamptz;
    dec_at timestamptz;
    alloc timestamptz;
    started timestamptz;
    concl timestamptz;
    choice safeguard.la_decision;
    result safeguard.sac_action_result;
    asked safeguard.sac_msp_asked;
    cap safeguard.sac_capacity;
    adv boolean;
    slow boolean;
BEGIN
    DELETE FROM sg_gen.council_plan;
    FOR i IN 1..concerns LOOP
        la := 1 + floor(sg_gen.u(k, i, 101) * 3)::int;
        rec_at := (from_date + floor(sg_gen.u(k, i, 102) * span)::int)::timestamp AT TIME ZONE 'UTC'
                  + make_interval(hours => 8 + floor(sg_gen.u(k, i, 103) * 9)::int,
                                  mins => floor(sg_gen.u(k, i, 104) * 60)::int);
        person := CASE WHEN main_people IS NOT NULL AND sg_gen.u(k, i, 105) < 0.125
                       THEN 1 + floor(sg_gen.u(k, i, 106) * main_people)::int
                       WHEN sg_gen.u(k, i, 105) < 0.8 THEN 10001 + floor(sg_gen.u(k, i, 106) * people)::int END;
        died := CASE WHEN person > 10000 AND person % 11 = 0 THEN from_date - 1 - person % 30 END;
        slow := sg_gen.u(k, i, 107) < 0.17;
        dec_at := rec_at + make_interval(hours => CASE WHEN slow THEN 30 + floor(sg_gen.u(k, i, 108) * 60)::int
                                                      ELSE 1 + floor(sg_gen.u(k, i, 108) * 6)::int END);
        choice := sg_gen.pick('{section_42_enquiry,section_42_enquiry,section_42_enquiry,other_enquiry,no_enquiry,no_enquiry}'::safeguard.la_decision[], k, i, 109);
        alloc := NULL; started := NULL; concl := NULL; result := NULL; asked := NULL; cap := NULL; adv := NULL;
        IF choice <> 'no_enquiry' THEN
            -- one enquiry in five waits a month or more for a worker
            alloc := dec_at + CASE WHEN sg_gen.u(k, i, 110) < 0.2 THEN make_interval(days => 30 + floor(sg_gen.u(k, i, 111) * 60)::int)
                                   ELSE make_interval(hours => 2 + floor(sg_gen.u(k, i, 111) * 100)::int) END;
            -- three in ten wait a week to four months for their start (the officer's caseload)
            started := alloc + CASE WHEN sg_gen.u(k, i, 133) < 0.3 THEN make_interval(days => 7 + floor(sg_gen.u(k, i, 112) * 113)::int)
                                    ELSE make_interval(hours => 1 + floor(sg_gen.u(k, i, 112) * 70)::int) END;
            concl := started + make_interval(days => CASE WHEN sg_gen.u(k, i, 113) < 0.17 THEN 30 + floor(sg_gen.u(k, i, 114) * 20)::int
                                                          ELSE 3 + floor(sg_gen.u(k, i, 114) * 20)::int END);
            result := sg_gen.pick(enum_range(NULL::safeguard.sac_action_result), k, i, 115);
            IF died IS NULL THEN
                asked := sg_gen.pick(enum_range(NULL::safeguard.sac_msp_asked), k, i, 116);
                cap := sg_gen.pick(enum_range(NULL::safeguard.sac_capacity), k, i, 117);
                adv := cap = 'Yes, they lacked capacity' AND sg_gen.u(k, i, 118) < 0.7;
            END IF;
        END IF;
        INSERT INTO sg_gen.council_plan VALUES (
            i, 'GEN-LA' || la, format('gen_la%s_hub', la),
            format('gen_la%s_%s', la, CASE WHEN sg_gen.u(k, i, 119) < 0.5 THEN 'hub' ELSE 'locality' END), '',
            sg_gen.pick('{police,ambulance_service,ambulance_service,gp_primary_care,hospital,mental_health_service,care_provider,other_local_authority,housing,family_friend_neighbour,self,anonymous,other}'::text[], k, i, 120),
            false, rec_at, person, died,
            ARRAY[sg_gen.pick(enum_range(NULL::safeguard.sac_risk_type), k, i, 121)],
            dec_at, choice,
            CASE WHEN choice = 'no_enquiry'
                 THEN sg_gen.pick('{information_and_advice,signposting,care_act_assessment,other_agency_leads,other}'::text[], k, i, 122) END,
            alloc, CASE WHEN alloc IS NOT NULL THEN format('gen_la%s_%s', la, CASE WHEN sg_gen.u(k, i, 123) < 0.5 THEN 'hub' ELSE 'locality' END) END,
            started, asked, cap, adv,
            -- a strategy discussion in one enquiry in three, the day after the start
            CASE WHEN started IS NOT NULL AND sg_gen.u(k, i, 124) < 0.33 THEN started + interval '1 day' END,
            -- a plan in half, two days after the start
            CASE WHEN started IS NOT NULL AND sg_gen.u(k, i, 125) < 0.5 THEN started + interval '2 days' END,
            concl, result,
            CASE WHEN result IS NOT NULL THEN
                CASE WHEN sg_gen.u(k, i, 126) < 0.3
                     THEN ARRAY[sg_gen.pick(enum_range(NULL::safeguard.sac_risk_type), k, i, 121),
                                sg_gen.pick(enum_range(NULL::safeguard.sac_risk_type), k, i, 127)]
                     ELSE ARRAY[sg_gen.pick(enum_range(NULL::safeguard.sac_risk_type), k, i, 121)] END END,
            CASE WHEN result IS NOT NULL THEN sg_gen.pick(enum_range(NULL::safeguard.sac_risk_location), k, i, 128) END,
            CASE WHEN result IS NOT NULL THEN sg_gen.pick(enum_range(NULL::safeguard.sac_source_of_risk), k, i, 129) END,
            CASE WHEN result IN ('Risk identified and action taken', 'Risk Assessment inconclusive and action taken')
                 THEN sg_gen.pick(enum_range(NULL::safeguard.sac_risk_outcome), k, i, 130) END,
            CASE WHEN asked = 'Yes, they were asked and outcomes were expressed'
                 THEN sg_gen.pick(enum_range(NULL::safeguard.sac_msp_achieved), k, i, 131) END,
            -- the manager signs off within days, or (one in four) a month or two later
            CASE WHEN concl IS NOT NULL THEN concl + make_interval(days => CASE WHEN sg_gen.u(k, i, 134) < 0.25
                                                                               THEN 20 + floor(sg_gen.u(k, i, 132) * 40)::int
                                                                               ELSE 1 + floor(sg_gen.u(k, i, 132) * 8)::int END) END,
            NULL, NULL);
    END LOOP;
    UPDATE sg_gen.council_plan SET anonymous = true WHERE source = 'anonymous';
    -- the team is the decider's grant's team
    UPDATE sg_gen.council_plan p SET team = a.team FROM sg_gen.actor a WHERE a.role = p.decider;
    -- a strategy discussion or plan due after the conclusion is not held
    UPDATE sg_gen.council_plan SET strategy_at = NULL WHERE strategy_at >= conclude_at;
    UPDATE sg_gen.council_plan SET plan_at = NULL WHERE plan_at >= conclude_at;
    RETURN concerns;
END
$$;

-- One step of the council plan at its instant, as the duty that may take it.
CREATE FUNCTION sg_gen.council_step(n integer, step integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    p sg_gen.council_plan;
    a record;
    la_id bigint;
    new_id bigint;
    sam text;
BEGIN
    SELECT * INTO p FROM sg_gen.council_plan c WHERE c.n = council_step.n;
    SELECT o.id INTO la_id FROM sg_gen.org o WHERE o.code = p.la_code;
    sam := format('gen_la%s_sam', substr(p.la_code, 7));
    CASE step
    WHEN 1 THEN
        SELECT * INTO a FROM sg_gen.adult(p.person);
        EXECUTE format('SET ROLE %I', p.logger);
        new_id := safeguard.log_concern(
            received_at => p.received_at, channel => 'phone', source => p.source::safeguard.concern_source,
            description => 'Generated council concern ' || p.n, risk_types => p.risk_types, la_id => la_id,
            referrer_anonymous => p.anonymous,
            referrer_name => CASE WHEN NOT p.anonymous THEN 'Council referrer ' || p.n END,
            referrer_phone => CASE WHEN NOT p.anonymous THEN '07700 901' || lpad((p.n % 1000)::text, 3, '0') END,
            adult_nhs_number => a.nhs_number, adult_name => a.adult_name, adult_date_of_birth => a.date_of_birth,
            adult_date_of_death => p.date_of_death, adult_gender => a.gender, adult_ethnicity => a.ethnicity,
            adult_primary_support_reason => a.support_reason, adult_autism => a.autism::safeguard.sac_autism);
        RESET ROLE;
        UPDATE sg_gen.council_plan c SET concern_id = new_id WHERE c.n = p.n;
    WHEN 2 THEN
        EXECUTE format('SET ROLE %I', p.decider);
        new_id := safeguard.decide_concern(p.concern_id, p.decision, 'Generated council decision ' || p.n,
            true, true, p.decision = 'section_42_enquiry', p.alternative::safeguard.alternative_action);
        RESET ROLE;
        UPDATE sg_gen.council_plan c SET enquiry_id = new_id WHERE c.n = p.n;
    WHEN 3 THEN
        EXECUTE format('SET ROLE %I', sam);
        PERFORM safeguard.allocate_enquiry(p.enquiry_id, p.allocate_to::regrole);
        RESET ROLE;
    WHEN 4 THEN
        EXECUTE format('SET ROLE %I', p.allocate_to);
        IF p.date_of_death IS NOT NULL THEN
            PERFORM safeguard.start_enquiry(p.enquiry_id);
        ELSE
            PERFORM safeguard.start_enquiry(p.enquiry_id, msp_asked => p.msp_asked,
                msp_outcomes_wanted => CASE WHEN p.msp_asked = 'Yes, they were asked and outcomes were expressed'
                                            THEN 'To feel safe at home' END,
                msp_not_asked_reason => CASE WHEN p.msp_asked IN ('No', 'Don''t know') THEN 'Too unwell to be asked' END,
                lacked_capacity => p.lacked_capacity, advocate_arranged => p.advocate,
                advocate_not_arranged_reason => CASE WHEN NOT p.advocate THEN 'An appropriate person supports them' END);
        END IF;
        RESET ROLE;
    WHEN 5 THEN
        EXECUTE format('SET ROLE %I', p.allocate_to);
        PERFORM safeguard.record_strategy_discussion(p.enquiry_id, 'discussion', p.strategy_at,
            'Social worker, police, GP', 'Police to lead the criminal investigation');
        RESET ROLE;
    WHEN 6 THEN
        EXECUTE format('SET ROLE %I', p.allocate_to);
        PERFORM safeguard.make_safeguarding_plan(p.enquiry_id, p.plan_at, 'Daily welfare visits for a month');
        RESET ROLE;
    WHEN 7 THEN
        EXECUTE format('SET ROLE %I', p.allocate_to);
        PERFORM safeguard.conclude_enquiry(p.enquiry_id, p.action_result, p.found_types, p.risk_location,
            p.source_of_risk, p.risk_outcome, p.msp_achieved,
            CASE WHEN p.date_of_death IS NOT NULL THEN true END);
        RESET ROLE;
    WHEN 8 THEN
        EXECUTE format('SET ROLE %I', sam);
        PERFORM safeguard.close_enquiry(p.enquiry_id,
            feedback_at => CASE WHEN NOT p.anonymous THEN p.close_at END,
            feedback_method => CASE WHEN NOT p.anonymous THEN 'phone'::safeguard.contact_method END,
            feedback_not_given_reason => CASE WHEN p.anonymous THEN 'Anonymous referrer' END,
            adult_feedback_at => CASE WHEN p.date_of_death IS NULL THEN p.close_at END);
        RESET ROLE;
    END CASE;
END
$$;

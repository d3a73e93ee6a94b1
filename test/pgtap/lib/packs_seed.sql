-- test/pgtap/lib/packs_seed.sql: the council pathway's journeys that the packs' tests read
-- (pgTAP 28, TAP 031).  Run as a superuser after the fixture (or any setup) with psql
-- variables laa (the authority's id) and pfx (a prefix for the three roles it creates):
--   <pfx>_off_n  safeguarding officer, team North
--   <pfx>_off_s  safeguarding officer, team South
--   <pfx>_sam    safeguarding adults manager, team North
-- and 27 concerns received every third day from 2025-01-09, each logged and decided by an
-- officer (section 42 enquiry, or no enquiry for every fifth), allocated by the SAM (but
-- every sixth left unallocated), started, concluded (three in four; some late), closed
-- with feedback (half; some late), with strategy discussions and plans on some; adults of
-- every group the pack stratifies by (older people, learning disability, mental health,
-- autism, other).  Moves the clock; leaves it at 2025-06-02 10:00+00.
-- (Roles are cluster-wide: a role left by an earlier database, e.g. of make demo, is reused.)
SELECT format('CREATE ROLE %I LOGIN', r) FROM unnest(ARRAY[:'pfx' || '_off_n', :'pfx' || '_off_s', :'pfx' || '_sam']) AS r
WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) \gexec
SELECT count(safeguard.grant_duty((:'pfx' || g.r)::regrole, g.duty::safeguard.duty, :laa, g.team)) AS seeded_grants
FROM (VALUES ('_off_n', 'la_officer', 'North'), ('_off_s', 'la_officer', 'South'), ('_sam', 'sam', 'North')) AS g(r, duty, team)
WHERE NOT EXISTS (SELECT FROM safeguard.duty_grant d WHERE d.role = (:'pfx' || g.r)::regrole AND d.revoked_at IS NULL) \gset
SELECT set_config('packs.laa', :'laa', false) IS NOT NULL AS seeded_laa,
       set_config('packs.pfx', :'pfx', false) IS NOT NULL AS seeded_pfx \gset
DO $seed$
DECLARE
    la bigint := current_setting('packs.laa')::bigint;
    pfx text := current_setting('packs.pfx');
    sources safeguard.concern_source[] := '{ambulance_service,police,care_provider,gp_primary_care,family_friend_neighbour}';
    officer text;
    recv timestamptz;
    t timestamptz;
    c bigint;
    e bigint;
BEGIN
    FOR i IN 1..27 LOOP
        officer := pfx || CASE WHEN i % 2 = 1 THEN '_off_n' ELSE '_off_s' END;
        recv := '2025-01-06 09:00+00'::timestamptz + make_interval(days => 3 * i);
        PERFORM safeguard.set_clock(recv);
        EXECUTE format('SET ROLE %I', officer);
        c := safeguard.log_concern(recv, 'phone', sources[1 + i % 5], 'concern ' || i, '{Physical Abuse}',
                 la_id => la, referrer_name => 'Referrer ' || i, referrer_phone => '01234 567890',
                 adult_name => 'Adult ' || i,
                 adult_date_of_birth => CASE WHEN i % 3 = 0 THEN date '1940-05-01' ELSE date '1985-05-01' END,
                 adult_primary_support_reason => CASE i % 4 WHEN 1 THEN 'Learning Disability Support'
                                                         WHEN 2 THEN 'Mental Health Support' END,
                 adult_autism => CASE WHEN i % 7 = 0 THEN 'Autism (excluding Asperger''s Syndrome)'::safeguard.sac_autism END);
        RESET ROLE;
        t := recv + make_interval(days => i % 3, hours => 2);
        PERFORM safeguard.set_clock(t);
        EXECUTE format('SET ROLE %I', officer);
        IF i % 5 = 4 THEN
            PERFORM safeguard.decide_concern(c, 'no_enquiry', 'no enquiry: signposted ' || i, true, false, false, 'signposting');
            RESET ROLE;
            CONTINUE;
        END IF;
        e := safeguard.decide_concern(c, 'section_42_enquiry', 'all three criteria met ' || i, true, true, true);
        RESET ROLE;
        IF i % 6 = 5 THEN
            CONTINUE;
        END IF;
        t := t + interval '1 day';
        PERFORM safeguard.set_clock(t);
        EXECUTE format('SET ROLE %I', pfx || '_sam');
        PERFORM safeguard.allocate_enquiry(e, officer::regrole);
        RESET ROLE;
        t := t + interval '1 day';
        PERFORM safeguard.set_clock(t);
        EXECUTE format('SET ROLE %I', officer);
        PERFORM safeguard.start_enquiry(e, 'Yes, they were asked and outcomes were expressed', 'to feel safe at home',
                                        NULL, 'No, they did not lack capacity', false, 'no substantial difficulty');
        IF i % 3 = 0 THEN
            PERFORM safeguard.record_strategy_discussion(e, 'discussion', t, 'social worker; police', 'police to visit');
        END IF;
        IF i % 4 = 0 THEN
            PERFORM safeguard.make_safeguarding_plan(e, t, 'daily visits');
        END IF;
        RESET ROLE;
        IF i % 4 = 3 THEN
            CONTINUE;
        END IF;
        t := t + make_interval(days => CASE WHEN i % 2 = 0 THEN 7 ELSE 35 END);
        PERFORM safeguard.set_clock(t);
        EXECUTE format('SET ROLE %I', officer);
        PERFORM safeguard.conclude_enquiry(e, 'Risk identified and action taken', '{Physical Abuse}', 'Own Home',
                                           'Other - Known to individual', 'Risk reduced', 'Partially Achieved');
        RESET ROLE;
        IF i % 4 NOT IN (0, 1) THEN
            CONTINUE;
        END IF;
        t := t + make_interval(days => CASE WHEN i % 3 = 0 THEN 10 ELSE 2 END);
        PERFORM safeguard.set_clock(t);
        EXECUTE format('SET ROLE %I', pfx || '_sam');
        PERFORM safeguard.close_enquiry(e, t, 'phone', adult_feedback_at => t);
        RESET ROLE;
    END LOOP;
    PERFORM safeguard.set_clock('2025-06-02 10:00+00');
END
$seed$;

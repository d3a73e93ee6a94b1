-- bench/sweep/schedule_cost.sql: what keeping the sweep's schedule (issue 19) costs a workflow
-- event.  In a scratch database with the extension (a superuser; it creates a role tc_insp and
-- tables public.tc_*): six rounds alternate the trigger schedule_sync on and off; each round
-- logs 300 concerns (each opens a triage deadline: the schedule row is computed) and then
-- triages them (each closes the deadline: the row is removed), timing every call with
-- clock_timestamp(), all in one transaction (no commit), after a warm-up round.  Prints the
-- median ms per call by trigger state and event.
--   createdb sc && psql -d sc -c 'CREATE EXTENSION safeguard' && psql -d sc -f bench/sweep/schedule_cost.sql
\set QUIET on
SET client_min_messages = warning;
INSERT INTO safeguard.organisation (kind, name, code) VALUES ('regulator', 'TC reg', 'TC-REG'), ('local_authority', 'TC la', 'TC-LA');
CREATE ROLE tc_insp LOGIN;
SELECT safeguard.grant_duty('tc_insp', 'inspector', (SELECT id FROM safeguard.organisation WHERE code = 'TC-REG')) IS NOT NULL AS g \gset
SELECT safeguard.set_clock('2026-03-16 12:00+00') IS NOT NULL AS p \gset
SELECT id AS la FROM safeguard.organisation WHERE code = 'TC-LA' \gset
CREATE TABLE public.tc_times (round int, trig text, what text, ms numeric);
GRANT ALL ON public.tc_times TO tc_insp;
CREATE TABLE public.tc_concerns (round int, id bigint);
GRANT ALL ON public.tc_concerns TO tc_insp;
-- one round: 300 concerns logged (each opens a triage deadline), then triaged (each closes it), timed per statement
CREATE PROCEDURE public.tc_round(r int, trig text) LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; i int;
BEGIN
  FOR i IN 1..300 LOOP
    t0 := clock_timestamp();
    INSERT INTO public.tc_concerns SELECT r, safeguard.log_concern(safeguard.now(), 'phone', 'anonymous', 'TC', '{Self-Neglect}', la_id => (SELECT id FROM safeguard.organisation WHERE code = 'TC-LA'), referrer_anonymous => true);
    INSERT INTO public.tc_times VALUES (r, trig, 'open', extract(epoch FROM clock_timestamp() - t0) * 1000);
  END LOOP;
  FOR i IN (SELECT id FROM public.tc_concerns WHERE round = r) LOOP
    t0 := clock_timestamp();
    PERFORM safeguard.triage_concern(i, 'no_referral', 'TC', false, false, false);
    INSERT INTO public.tc_times VALUES (r, trig, 'close', extract(epoch FROM clock_timestamp() - t0) * 1000);
  END LOOP;
END $$;
GRANT EXECUTE ON PROCEDURE public.tc_round(int, text) TO tc_insp;
SET ROLE tc_insp;
CALL public.tc_round(0, 'warmup');
RESET ROLE;
DO $$ BEGIN FOR r IN 1..6 LOOP
  IF r % 2 = 0 THEN EXECUTE 'ALTER TABLE safeguard.deadline DISABLE TRIGGER schedule_sync'; ELSE EXECUTE 'ALTER TABLE safeguard.deadline ENABLE ALWAYS TRIGGER schedule_sync'; END IF;
  EXECUTE format('SET ROLE tc_insp'); CALL public.tc_round(r, CASE WHEN r % 2 = 0 THEN 'off' ELSE 'on' END); RESET ROLE;
END LOOP; END $$;
\set QUIET off
SELECT trig, what, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 3) AS median_ms, count(*) FROM public.tc_times WHERE round > 0 GROUP BY 1, 2 ORDER BY 2, 1;

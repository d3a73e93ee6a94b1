-- bench/sqlsmith/load.sql: the data bench/sqlsmith.sh fuzzes, loaded through the real workflow.
--
-- Run by bench/sqlsmith.sh as a superuser in its scratch database, with safeguard installed and
-- test/generator/generator.sql already included.  psql variables:
--   :seed      the generator's seed
--   :concerns  how many concerns the generator plans (replayed up to 2026-01-15 12:00 UTC)
--   :prefix    the prefix of the fuzzing login roles, one per duty: <prefix><duty>
--   :password  their password (the roles are created by bench/sqlsmith.sh before this script)
-- Afterwards the casework holds concerns, triage, referrals in every state, deadlines (some
-- breached, with the alerts sweep() fired), and one invoked large-scale provider enquiry with
-- a SAM and the fuzzing enquiry officer appointed by the authority's
-- administrator (the NOLOGIN role sgload_la1_dsam).  The generator's own schema is dropped, so
-- that sqlsmith fuzzes safeguard's objects only.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

SELECT sg_gen.setup();
SELECT sg_gen.plan(:seed, :concerns, '2024-10-01', '2026-01-30') AS planned;
SELECT sg_gen.execute('2026-01-15 12:00+00') AS steps_replayed;

-- One fuzzing role per duty, each for an organisation that may hold it: the regulator for its
-- own duties and for admin, reader and auditor (who then see every authority); the first
-- generated local authority for the local authority duties; the generated provider.
SELECT safeguard.grant_duty(format('%s%s', :'prefix', d.duty)::regrole, d.duty::safeguard.duty,
                            o.id, 'Fuzzing') AS grant_id
  FROM (VALUES ('admin', 'GEN-CQC'), ('contact_centre', 'GEN-CQC'), ('inspector', 'GEN-CQC'),
               ('la_officer', 'GEN-LA1'), ('sam', 'GEN-LA1'), ('enquiry_officer', 'GEN-LA1'),
               ('commissioner', 'GEN-LA1'), ('provider', 'GEN-P1'), ('reader', 'GEN-CQC'),
               ('auditor', 'GEN-CQC')) d(duty, org_code)
  JOIN safeguard.organisation o ON o.code = d.org_code
 ORDER BY d.duty;

-- A large-scale enquiry into the generated provider's homes in the first authority, proposed
-- and assessed by its hub officer, led by its SAM with the fuzzing enquiry officer appointed,
-- invoked by the SAM.
SELECT safeguard.set_clock('2026-01-15 13:00+00');
SET ROLE gen_la1_hub;
SELECT safeguard.propose_provider_enquiry(
           (SELECT id FROM safeguard.organisation WHERE code = 'GEN-P1'),
           (SELECT id FROM safeguard.organisation WHERE code = 'GEN-LA1'),
           ARRAY(SELECT id FROM safeguard.organisation
                  WHERE code LIKE 'GEN-LOC%'
                    AND la_id = (SELECT id FROM safeguard.organisation WHERE code = 'GEN-LA1')
                  ORDER BY id)) AS enquiry \gset
SELECT safeguard.record_threshold(:enquiry, 'three_or_more_allegations', true,
    'Generated: repeated neglect allegations at the provider''s homes.');
SELECT safeguard.record_threshold(:enquiry, 'death', false, 'Generated: no death linked.');
RESET ROLE;
-- The authority's designated SAM (its administrator) appoints: a role of this load only.
CREATE ROLE sgload_la1_dsam NOLOGIN;
SELECT safeguard.grant_duty('sgload_la1_dsam', 'admin',
                            (SELECT id FROM safeguard.organisation WHERE code = 'GEN-LA1')) > 0 AS granted;
SET ROLE sgload_la1_dsam;
SELECT safeguard.appoint_to_enquiry(:enquiry, 'gen_la1_sam', 'sam') > 0 AS appointed;
SELECT safeguard.appoint_to_enquiry(:enquiry, format('%senquiry_officer', :'prefix')::regrole,
                                    'enquiry_officer') > 0 AS appointed;
RESET ROLE;
SET ROLE gen_la1_sam;
SELECT safeguard.invoke_provider_enquiry(:enquiry, 'moderate',
    'Generated: one criterion met, a pattern across the homes.') IS NOT NULL AS invoked;
RESET ROLE;

-- The deadline sweep at the as-of instant: due_soon, breach and escalation alerts.
SELECT safeguard.set_clock('2026-01-15 14:00+00');
SET ROLE gen_admin;
SELECT safeguard.sweep(100000) AS rungs_fired;
RESET ROLE;

DROP SCHEMA sg_gen CASCADE;

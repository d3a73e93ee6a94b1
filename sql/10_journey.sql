-- Journeys: the timeline of a case, a referral or a provider enquiry, read
-- from the audit trail by one function, safeguard.journey(subject, id).
-- The journeys of 1.0 (case_journey, referral_journey, enquiry_journey)
-- are kept, deprecated, as wrappers over it: they return the same rows in
-- the same order.  An unknown subject is refused by SQLSTATE (SG208; a NULL
-- subject SG103).  Errors are asserted by SQLSTATE only.
\set VERBOSITY sqlstate
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';

--------------------------------------------------------------------------
-- 1. Casework: a concern referred and worked, and a provider enquiry
--------------------------------------------------------------------------
INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('regulator', 'W10 Care Quality Commission', 'W10-CQC') RETURNING id AS cqc \gset
INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('local_authority', 'W10 Westshire Council', 'W10-LA') RETURNING id AS la \gset
INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('provider', 'W10 Elm Care Ltd', 'W10-PROV') RETURNING id AS provider \gset
INSERT INTO safeguard.organisation (kind, name, code, parent_id, la_id)
VALUES ('provider_location', 'W10 Elm House', 'W10-LOC', :provider, :la) RETURNING id AS house \gset

CREATE ROLE w10_inspector LOGIN;
CREATE ROLE w10_cc LOGIN;
CREATE ROLE w10_la LOGIN;
CREATE ROLE w10_sam LOGIN;
CREATE ROLE w10_auditor LOGIN;
SELECT safeguard.grant_duty('w10_inspector', 'inspector', :cqc) > 0 AS granted;
SELECT safeguard.grant_duty('w10_cc', 'contact_centre', :cqc) > 0 AS granted;
SELECT safeguard.grant_duty('w10_la', 'la_officer', :la) > 0 AS granted;
SELECT safeguard.grant_duty('w10_sam', 'sam', :la) > 0 AS granted;
SELECT safeguard.grant_duty('w10_auditor', 'auditor', :cqc) > 0 AS granted;

SELECT safeguard.set_clock('2026-03-02 10:00+00');
SET ROLE w10_inspector;
SELECT safeguard.log_concern(
    received_at => '2026-03-02 09:15+00', channel => 'phone', source => 'relative',
    description => 'Resident not given her medication for two days.',
    risk_types => '{Neglect and Acts of Omission}', provider_location_id => :house,
    referrer_name => 'Joan Ash', referrer_phone => '07700 900111',
    adult_name => 'Edith Ash', adult_date_of_birth => '1935-01-20', adult_gender => 'Female') AS c1 \gset
SELECT safeguard.triage_concern(:c1, 'refer_to_la', 'Care needs, neglect alleged, cannot protect herself.',
    true, true, true) AS r1 \gset
RESET ROLE;
SET ROLE w10_cc;
SELECT safeguard.send_referral(:r1, 'secure_email');
RESET ROLE;
SELECT safeguard.set_clock('2026-03-03 10:00+00');
SET ROLE w10_la;
SELECT safeguard.acknowledge_referral(:r1, la_reference => 'WS-10-1');
SELECT safeguard.decide_referral(:r1, 'section_42_enquiry', 'Threshold met.');
SELECT safeguard.propose_provider_enquiry(:provider, :la, ARRAY[:house]) AS e1 \gset
SELECT safeguard.record_threshold(:e1, 'professional_concerns', true, 'District nurses report missed medication.');
RESET ROLE;
SET ROLE w10_sam;
SELECT safeguard.invoke_provider_enquiry(:e1, 'moderate', 'Criterion 4 met.');
RESET ROLE;
SELECT case_id AS k1 FROM safeguard.referral WHERE id = :r1 \gset

--------------------------------------------------------------------------
-- 2. One function, three subjects; the wrappers give the same rows
--------------------------------------------------------------------------
-- What each journey shows (as the auditor, who reads the trail but no
-- casework).
SET ROLE w10_auditor;
SELECT table_name, action, from_state, to_state, duty, organisation
FROM safeguard.journey('case', :k1);
SELECT table_name, action, from_state, to_state, duty, organisation
FROM safeguard.journey('referral', :r1);
SELECT table_name, action, from_state, to_state, duty, organisation
FROM safeguard.journey('enquiry', :e1);

-- The wrappers return exactly the rows of journey(), in the same order
-- (each row as text, in the order returned).
SELECT 'case' AS subject, count(*) AS rows,
       (SELECT array_agg(x::text) FROM safeguard.journey('case', :k1) x) =
       (SELECT array_agg(x::text) FROM safeguard.case_journey(:k1) x) AS identical
FROM safeguard.journey('case', :k1)
UNION ALL
SELECT 'referral', count(*),
       (SELECT array_agg(x::text) FROM safeguard.journey('referral', :r1) x) =
       (SELECT array_agg(x::text) FROM safeguard.referral_journey(:r1) x)
FROM safeguard.journey('referral', :r1)
UNION ALL
SELECT 'enquiry', count(*),
       (SELECT array_agg(x::text) FROM safeguard.journey('enquiry', :e1) x) =
       (SELECT array_agg(x::text) FROM safeguard.enquiry_journey(:e1) x)
FROM safeguard.journey('enquiry', :e1);
RESET ROLE;

--------------------------------------------------------------------------
-- 3. A subject that is not case, referral or enquiry
--------------------------------------------------------------------------
SELECT * FROM safeguard.journey('concern', :c1);
SELECT * FROM safeguard.journey('Case', :k1);
SELECT * FROM safeguard.journey(NULL, :k1);
-- A NULL id is a journey of nothing, as it was for the wrappers.
SELECT count(*) FROM safeguard.journey('case', NULL);

-- journey() has the privileges of the journeys it replaces: EXECUTE for the
-- auditor and the administrator, not PUBLIC; it runs as its caller.
SELECT p.oid::regprocedure AS function, p.prosecdef AS security_definer, p.provolatile,
       p.proconfig, has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute,
       has_function_privilege('safeguard_auditor', p.oid, 'EXECUTE') AS auditor_execute,
       has_function_privilege('safeguard_admin', p.oid, 'EXECUTE') AS admin_execute
FROM pg_catalog.pg_proc p
WHERE p.pronamespace = 'safeguard'::regnamespace
  AND p.proname IN ('journey', 'case_journey', 'referral_journey', 'enquiry_journey')
ORDER BY p.proname;

--------------------------------------------------------------------------
-- Clean up: end the grants (kept as history), drop the login roles.
--------------------------------------------------------------------------
SELECT safeguard.set_clock(NULL) IS NOT NULL AS unpinned;
SELECT safeguard.revoke_duty('w10_inspector', 'inspector') AND
       safeguard.revoke_duty('w10_cc', 'contact_centre') AND
       safeguard.revoke_duty('w10_la', 'la_officer') AND
       safeguard.revoke_duty('w10_sam', 'sam') AND
       safeguard.revoke_duty('w10_auditor', 'auditor') AS revoked;
DROP ROLE w10_inspector, w10_cc, w10_la, w10_sam, w10_auditor;

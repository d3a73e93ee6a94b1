-- Text made only of Unicode white space is blank (issue 14, item 15): a rationale,
-- reason or description of no-break spaces (U+00A0), ideographic spaces (U+3000) or
-- invisible characters people paste (U+200B zero width space, U+2060 word joiner,
-- U+FEFF byte order mark) is refused as missing, as one of ASCII spaces always was;
-- real text with such characters inside is accepted.  (1.3 accepted every one of
-- them: only ASCII white space was blank.)  The blank check itself is unit-tested
-- code point by code point in test/unit/validate_test.c.
BEGIN;
SELECT plan(12);

SELECT is(current_setting('server_encoding'), 'UTF8', 'the test database is UTF-8');

\set fixture TAP14U
\set orgs 'cqc=regulator la=local_authority'
\set cast 'tap14u_inspector=inspector@cqc'
\ir lib/fixtures.sql

-- Blank texts: U+00A0; U+3000; U+00A0 U+3000 with ASCII spaces; U+200B U+2060 U+FEFF.
CREATE TEMP TABLE tap14u_blank (what text, t text);
INSERT INTO tap14u_blank VALUES
    ('U+00A0', chr(160)),
    ('U+3000', chr(12288) || chr(12288)),
    ('U+00A0, U+3000 and spaces', ' ' || chr(160) || ' ' || chr(12288) || E'\t'),
    ('U+200B, U+2060, U+FEFF', chr(8203) || chr(8288) || chr(65279));
GRANT SELECT ON tap14u_blank TO tap14u_inspector;

SET ROLE tap14u_inspector;
SELECT safeguard.log_concern(now() - interval '1 hour', 'phone', 'relative', 'TAP14U concern',
    '{Physical Abuse}', la_id => :la, referrer_name => 'Sam Relative',
    referrer_phone => '01234 567890') AS concern \gset

-- A triage rationale: SG205.
SELECT throws_ok(format('SELECT safeguard.triage_concern(%s, %L, %L, false, false, false)',
                        :concern, 'no_referral', t), 'SG205', NULL,
                 'a triage rationale of only ' || what || ' is refused (SG205)')
FROM tap14u_blank ORDER BY what;

-- A concern's description: SG202 (a required field is missing).
SELECT throws_ok(format('SELECT safeguard.log_concern(now(), %L, %L, %L, %L, la_id => %s, referrer_anonymous => true)',
                        'phone', 'anonymous', t, '{Physical Abuse}', :la), 'SG202', NULL,
                 'a concern''s description of only ' || what || ' is refused (SG202)')
FROM tap14u_blank WHERE what IN ('U+3000', 'U+200B, U+2060, U+FEFF') ORDER BY what;

-- A reason to stop a deadline's clock: SG205.
SELECT id AS triage_deadline FROM safeguard.deadline
WHERE subject_table = 'concern' AND subject_id = :concern AND kind = 'triage' \gset
SELECT throws_ok(format('SELECT safeguard.pause_deadline(%s, %L)', :triage_deadline, t), 'SG205', NULL,
                 'a reason to pause a deadline of only ' || what || ' is refused (SG205)')
FROM tap14u_blank WHERE what IN ('U+00A0', 'U+3000') ORDER BY what;

-- Real text with such characters inside is accepted.
SELECT lives_ok(format('SELECT safeguard.pause_deadline(%s, %L)', :triage_deadline,
                       'Awaiting' || chr(160) || 'police' || chr(12288) || 'advice.'),
                'a reason of real text with U+00A0 and U+3000 inside is accepted');
SELECT lives_ok(format('SELECT safeguard.triage_concern(%s, %L, %L, false, false, false)', :concern,
                       'no_referral', chr(65279) || 'No' || chr(160) || 'threshold' || chr(8203) || ' met.'),
                'a triage rationale of real text with U+00A0, U+200B and U+FEFF in it is accepted');
RESET ROLE;
SELECT is((SELECT rationale FROM safeguard.triage WHERE concern_id = :concern),
          chr(65279) || 'No' || chr(160) || 'threshold' || chr(8203) || ' met.',
          'and stored as written');

SELECT * FROM finish();
ROLLBACK;

-- The 2017-18 incident, replayed against safeguard.
--
-- In 2017 the regulator's inspectors could tick a box meant only for the
-- contact centre, marking a referral "sent to the local authority" and
-- dropping it from the send queue without anything being sent; 750+
-- referrals were lost that way.  Here a referral waits in awaiting_send and
-- an inspector tries every path to mark it sent or make it leave the queue:
-- the workflow functions, raw DML of every kind, COPY, a view of their own,
-- settings.  Then a careless DBA grants the inspector table privileges, and
-- the C triggers still refuse, because the duty grants decide, not SQL
-- privileges.  Other duties try too.  The referral stays queued, with no
-- trace but its creation in the audit trail, until the contact centre
-- sends it.
\set VERBOSITY sqlstate
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';

--------------------------------------------------------------------------
-- Set-up: the regulator, a local authority, the people and their duties
--------------------------------------------------------------------------
INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('regulator', 'W05 Care Quality Commission', 'W05-CQC') RETURNING id AS cqc \gset
INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('local_authority', 'W05 Eastshire County Council', 'W05-LA') RETURNING id AS la \gset

CREATE ROLE w05_inspector LOGIN;   -- the duty inspector
CREATE ROLE w05_cc LOGIN;          -- the contact centre, the only one who sends
CREATE ROLE w05_cc_gone LOGIN;     -- a contact-centre clerk who has left
CREATE ROLE w05_officer LOGIN;     -- Eastshire's safeguarding officer
SELECT safeguard.grant_duty('w05_inspector', 'inspector', :cqc) > 0 AS granted;
SELECT safeguard.grant_duty('w05_cc', 'contact_centre', :cqc) > 0 AS granted;
SELECT safeguard.grant_duty('w05_cc_gone', 'contact_centre', :cqc) > 0 AS granted;
SELECT safeguard.grant_duty('w05_officer', 'la_officer', :la) > 0 AS granted;

-- Monday 11 May 2026, 10:00 in London.  The inspector logs a concern and
-- decides it must go to Eastshire: the referral waits in the send queue.
SELECT safeguard.set_clock('2026-05-11 09:00+00');
SET ROLE w05_inspector;
SELECT safeguard.log_concern(
    received_at => '2026-05-11 08:30+00', channel => 'inspection', source => 'regulator_staff',
    description => 'Resident found with untreated pressure ulcers during an inspection.',
    risk_types => '{Neglect and Acts of Omission}', la_id => :la,
    referrer_name => 'Duty inspector', referrer_email => 'duty.inspector@cqc.example.org.uk',
    adult_name => 'Alice Walker', adult_date_of_birth => '1940-07-09',
    risk_location => 'Care Home - Nursing', source_of_risk => 'Service Provider') AS concern \gset
SELECT safeguard.triage_concern(:concern, 'refer_to_la',
    'Neglect of a resident with care needs who cannot protect herself.', true, true, true) AS r \gset
SELECT case_id AS case_id FROM safeguard.referral WHERE id = :r \gset
SELECT state, sent_at, sent_by FROM safeguard.referral WHERE id = :r;
RESET ROLE;
SET ROLE w05_cc;
SELECT local_authority, immediate_risk, send_due_at, overdue
FROM safeguard.send_queue WHERE referral_id = :r;
RESET ROLE;
-- Its audit trail so far: one row, its creation.
SELECT acting_role, duty, action, from_state, to_state
FROM safeguard.audit_event WHERE table_name = 'referral' AND row_key = :'r';

--------------------------------------------------------------------------
-- 1. The inspector, with the privileges an inspector has
--------------------------------------------------------------------------
-- Two hours later the inspector, believing the referral went by phone,
-- tries to "tick the box".  Inspectors hold SELECT on referrals and no
-- write privilege at all, so every write is refused before any trigger
-- runs (42501), whichever client path it takes.
SELECT safeguard.set_clock('2026-05-11 11:00+00');
SET ROLE w05_inspector;

-- The workflow function.
SELECT safeguard.send_referral(:r, 'phone', la_contact => 'Eastshire duty desk');
-- A raw UPDATE of the state: the 2017 tick box.
UPDATE safeguard.referral SET state = 'sent' WHERE id = :r;
-- Filling in the sending columns only, leaving the state alone.
UPDATE safeguard.referral
   SET sent_by = 'w05_inspector', sent_at = '2026-05-11 10:00+00', sent_method = 'phone'
 WHERE id = :r;
-- Withdrawing it from the queue (an administrator's decision).
SELECT safeguard.withdraw_referral(:r, 'Already phoned through to the LA.');
-- Deleting it, or everything.
DELETE FROM safeguard.referral WHERE id = :r;
TRUNCATE safeguard.referral;
-- Inserting a referral that is already sent.
INSERT INTO safeguard.referral (concern_id, case_id, la_id, state, created_at, created_by,
                                sent_at, sent_method, sent_by, sent_org_id)
VALUES (:concern, :case_id, :la, 'sent', '2026-05-11 09:00+00', 'w05_inspector',
        '2026-05-11 10:00+00', 'phone', 'w05_inspector', :cqc);
-- An upsert that turns into an update of the existing referral.
INSERT INTO safeguard.referral (concern_id, case_id, la_id, created_at, created_by)
VALUES (:concern, :case_id, :la, '2026-05-11 09:00+00', 'w05_inspector')
ON CONFLICT (concern_id) DO UPDATE
   SET state = 'sent', sent_at = '2026-05-11 10:00+00', sent_method = 'phone';
-- MERGE.
MERGE INTO safeguard.referral t USING (VALUES (:r::bigint)) AS s(id) ON t.id = s.id
WHEN MATCHED THEN UPDATE SET state = 'sent', sent_at = '2026-05-11 10:00+00', sent_method = 'phone';
-- A writable CTE.
WITH ticked AS (
    UPDATE safeguard.referral SET state = 'sent', sent_at = '2026-05-11 10:00+00', sent_method = 'phone'
    WHERE id = :r RETURNING id)
SELECT count(*) FROM ticked;
-- COPY into the table (refused before any row is read).  The row comes
-- from a program through psql's \copy, not inline after COPY FROM STDIN:
-- psql before 15.19 read the inline data of a refused COPY as commands.
-- The program ignores SIGPIPE: psql closes the pipe unread when the server
-- refuses the COPY at its start.
\copy safeguard.referral (concern_id, case_id, la_id, state, created_at, created_by, sent_at, sent_method) FROM PROGRAM 'trap "" PIPE; echo 1,1,1,sent,2026-05-11 09:00:00+00,w05_inspector,2026-05-11 10:00:00+00,phone 2>/dev/null; exit 0' WITH (FORMAT csv)
-- An updatable view over the referrals: not in the public schema (no
-- CREATE there) ...
CREATE VIEW public.w05_tick_box AS SELECT * FROM safeguard.referral;
RESET ROLE;
-- ... but in a schema of their own, which a DBA might well have given them.
CREATE SCHEMA w05_inspector AUTHORIZATION w05_inspector;
SET ROLE w05_inspector;
CREATE VIEW w05_inspector.tick_box AS SELECT id, state, sent_at, sent_method FROM safeguard.referral;
SELECT state FROM w05_inspector.tick_box WHERE id = :r;
-- The view is created and readable; writing through it needs the view
-- owner's (the inspector's) UPDATE privilege on the table (42501).
UPDATE w05_inspector.tick_box SET state = 'sent', sent_at = '2026-05-11 10:00+00',
       sent_method = 'phone' WHERE id = :r;
-- Switching the triggers off: by setting (superuser only), or by altering
-- the table (owner only).
SET session_replication_role = replica;
ALTER TABLE safeguard.referral DISABLE TRIGGER referral_guard;
-- Claiming a duty through a setting: the safeguard.* prefix is reserved
-- once the library is loaded, so no placeholder is created (42602).
SET safeguard.duty = 'contact_centre';
-- Granting oneself the contact-centre duty, by function or by hand.
SELECT safeguard.grant_duty('w05_inspector', 'contact_centre', :cqc);
INSERT INTO safeguard.duty_grant (role, duty, organisation_id, granted_at, granted_by)
VALUES ('w05_inspector', 'contact_centre', :cqc, '2026-05-11 11:00+00', 'w05_inspector');
SELECT safeguard.current_duties() AS inspector_duties;
RESET ROLE;

--------------------------------------------------------------------------
-- 2. The careless DBA: the inspector gets table privileges directly
--------------------------------------------------------------------------
-- To "fix" the inspector's complaint, a DBA grants UPDATE on the referral
-- table straight to the inspector's login role.  SQL now lets the
-- statements through to the table, and the C trigger refuses them: it asks
-- the duty grants, and the inspector holds no contact-centre duty.
GRANT UPDATE ON safeguard.referral TO w05_inspector;
SELECT has_table_privilege('w05_inspector', 'safeguard.referral', 'UPDATE') AS may_update;
SET ROLE w05_inspector;
-- The tick box again (42501, now from the trigger), with and without the
-- sending columns, and through the workflow function.
UPDATE safeguard.referral SET state = 'sent' WHERE id = :r;
UPDATE safeguard.referral SET state = 'sent', sent_at = '2026-05-11 10:00+00', sent_method = 'phone'
 WHERE id = :r;
SELECT safeguard.send_referral(:r, 'phone', la_contact => 'Eastshire duty desk');
-- Filling in who sent it without a transition: those columns are stamped
-- by safeguard, never supplied (SG203).
UPDATE safeguard.referral
   SET sent_by = 'w05_inspector', sent_at = '2026-05-11 10:00+00', sent_method = 'phone'
 WHERE id = :r;
-- Skipping straight past the queue: awaiting_send -> closed is no
-- transition at all (SG201).
UPDATE safeguard.referral SET state = 'closed' WHERE id = :r;
-- Withdrawing: the admin duty only (42501).
SELECT safeguard.withdraw_referral(:r, 'Already phoned through to the LA.');
UPDATE safeguard.referral SET state = 'withdrawn', withdrawal_rationale = 'Phoned through.'
 WHERE id = :r;
-- MERGE, a writable CTE and the inspector's own view all reach the trigger.
MERGE INTO safeguard.referral t USING (VALUES (:r::bigint)) AS s(id) ON t.id = s.id
WHEN MATCHED THEN UPDATE SET state = 'sent', sent_at = '2026-05-11 10:00+00', sent_method = 'phone';
WITH ticked AS (
    UPDATE safeguard.referral SET state = 'sent', sent_at = '2026-05-11 10:00+00', sent_method = 'phone'
    WHERE id = :r RETURNING id)
SELECT count(*) FROM ticked;
UPDATE w05_inspector.tick_box SET state = 'sent', sent_at = '2026-05-11 10:00+00',
       sent_method = 'phone' WHERE id = :r;
RESET ROLE;

-- The DBA goes further: INSERT, DELETE and TRUNCATE too.  The triggers
-- still hold: a referral row is created only by a triage decision (SG203),
-- never deleted (SG204), and no safeguard table is truncated (SG204).
GRANT INSERT, DELETE, TRUNCATE ON safeguard.referral TO w05_inspector;
SET ROLE w05_inspector;
INSERT INTO safeguard.referral (concern_id, case_id, la_id, state, created_at, created_by,
                                sent_at, sent_method, sent_by, sent_org_id)
VALUES (:concern, :case_id, :la, 'sent', '2026-05-11 09:00+00', 'w05_inspector',
        '2026-05-11 10:00+00', 'phone', 'w05_inspector', :cqc);
INSERT INTO safeguard.referral (concern_id, case_id, la_id, created_at, created_by)
VALUES (:concern, :case_id, :la, '2026-05-11 09:00+00', 'w05_inspector')
ON CONFLICT (concern_id) DO UPDATE
   SET state = 'sent', sent_at = '2026-05-11 10:00+00', sent_method = 'phone';
DELETE FROM safeguard.referral WHERE id = :r;
-- TRUNCATE: PostgreSQL refuses first, because plan items reference
-- referrals (0A000); a table nothing references meets refuse_truncate.
TRUNCATE safeguard.referral;
-- COPY FROM into a table with row-level security is refused by
-- PostgreSQL itself for every role subject to it (0A000).
\copy safeguard.referral (concern_id, case_id, la_id, state, created_at, created_by, sent_at, sent_method) FROM PROGRAM 'trap "" PIPE; echo 1,1,1,sent,2026-05-11 09:00:00+00,w05_inspector,2026-05-11 10:00:00+00,phone 2>/dev/null; exit 0' WITH (FORMAT csv)
RESET ROLE;
-- Only a role that bypasses row-level security gets as far as the rows;
-- a superuser's COPY FROM is a restore, refused outside the restore
-- procedure before any row reaches the guards (SG701, docs/backup.md).
\copy safeguard.referral (concern_id, case_id, la_id, state, created_at, created_by, sent_at, sent_method) FROM PROGRAM 'trap "" PIPE; echo 1,1,1,sent,2026-05-11 09:00:00+00,w05_inspector,2026-05-11 10:00:00+00,phone 2>/dev/null; exit 0' WITH (FORMAT csv)
REVOKE ALL ON safeguard.referral FROM w05_inspector;

--------------------------------------------------------------------------
-- 3. Other duties
--------------------------------------------------------------------------
-- The local authority's officer may update referrals (to acknowledge them
-- once sent) but may not send one (42501).
SET ROLE w05_officer;
SELECT safeguard.send_referral(:r, 'secure_email');
UPDATE safeguard.referral SET state = 'sent', sent_at = '2026-05-11 10:00+00', sent_method = 'phone'
 WHERE id = :r;
RESET ROLE;

-- A contact-centre clerk who has left: the grant is revoked, which also
-- ends the role membership, so the next statement is refused (42501).
SELECT safeguard.revoke_duty('w05_cc_gone', 'contact_centre') AS revoked;
SET ROLE w05_cc_gone;
SELECT safeguard.send_referral(:r, 'secure_email');
RESET ROLE;
-- Even if a DBA gives the old role membership back by hand, the duty
-- grant table is what counts: without an active grant the role sees no
-- casework (row-level security asks the grants) and holds no duty, so the
-- function refuses, naming the duty required (42501), and a raw UPDATE
-- changes no row.
GRANT safeguard_contact_centre TO w05_cc_gone;
SET ROLE w05_cc_gone;
SELECT count(*) AS sees_referral FROM safeguard.referral WHERE id = :r;
SELECT safeguard.send_referral(:r, 'secure_email');
WITH ticked AS (
    UPDATE safeguard.referral SET state = 'sent', sent_at = '2026-05-11 10:00+00', sent_method = 'phone'
    WHERE id = :r RETURNING id)
SELECT count(*) AS updated FROM ticked;
RESET ROLE;
REVOKE safeguard_contact_centre FROM w05_cc_gone;

--------------------------------------------------------------------------
-- 4. After all that: still awaiting_send, still in the queue, and the
--    audit trail holds nothing but the referral's creation (a refused
--    statement leaves no row).
--------------------------------------------------------------------------
SELECT state, sent_at, sent_method, sent_by, withdrawn_at FROM safeguard.referral WHERE id = :r;
SET ROLE w05_cc;
SELECT local_authority, send_due_at, overdue FROM safeguard.send_queue WHERE referral_id = :r;
RESET ROLE;
SELECT count(*) AS audit_rows, min(action) AS action
FROM safeguard.audit_event WHERE table_name = 'referral' AND row_key = :'r';
SELECT kind, status FROM safeguard.deadline WHERE subject_table = 'referral' AND subject_id = :r;

--------------------------------------------------------------------------
-- 5. The contact centre sends it
--------------------------------------------------------------------------
-- 12:30 in London: the contact centre actually sends the referral, with
-- how it went and to whom.
SELECT safeguard.set_clock('2026-05-11 11:30+00');
SET ROLE w05_cc;
SELECT safeguard.send_referral(:r, 'secure_email', la_contact => 'Eastshire safeguarding hub');
SELECT state, sent_at, sent_method, la_contact, sent_by, sent_recorded_at
FROM safeguard.referral WHERE id = :r;
SELECT count(*) AS still_queued FROM safeguard.send_queue WHERE referral_id = :r;
RESET ROLE;
-- Exactly one new audit row: who sent it, acting for the regulator under
-- the contact-centre duty, and the transition.
SELECT acting_role, o.name AS organisation, duty, action, from_state, to_state
FROM safeguard.audit_event a LEFT JOIN safeguard.organisation o ON o.id = a.organisation_id
WHERE table_name = 'referral' AND row_key = :'r' ORDER BY a.id;
SELECT kind, status, due_at_close FROM safeguard.deadline
WHERE subject_table = 'referral' AND subject_id = :r AND kind = 'send';

-- Sending it again is a transition sent -> sent, refused (SG201): two
-- clerks cannot both record the sending.
SET ROLE w05_cc;
SELECT safeguard.send_referral(:r, 'phone');
-- Who sent it cannot be edited afterwards, even by the contact centre (SG203).
UPDATE safeguard.referral SET sent_by = 'w05_inspector' WHERE id = :r;
UPDATE safeguard.referral SET sent_at = '2026-05-11 10:00+00' WHERE id = :r;
-- The local authority contact may be corrected without a transition.
UPDATE safeguard.referral SET la_contact = 'Eastshire safeguarding hub (J. Okafor)' WHERE id = :r;
SELECT state, la_contact, sent_by FROM safeguard.referral WHERE id = :r;
RESET ROLE;
-- The correction is audited as a change within the state, under the
-- contact-centre duty, with the old and new value.
SELECT acting_role, duty, action, from_state, to_state
FROM safeguard.audit_event WHERE table_name = 'referral' AND row_key = :'r' ORDER BY id;
SELECT changes FROM safeguard.audit_event
WHERE table_name = 'referral' AND row_key = :'r' AND from_state = 'sent' AND to_state = 'sent';

--------------------------------------------------------------------------
-- Clean up
--------------------------------------------------------------------------
SELECT safeguard.set_clock(NULL) IS NOT NULL AS unpinned;
DROP VIEW w05_inspector.tick_box;
DROP SCHEMA w05_inspector;
SELECT safeguard.revoke_duty('w05_inspector', 'inspector') AND
       safeguard.revoke_duty('w05_cc', 'contact_centre') AND
       safeguard.revoke_duty('w05_officer', 'la_officer') AS revoked;
DROP ROLE w05_inspector, w05_cc, w05_cc_gone, w05_officer;

# pg_dump and pg_restore of live casework into a fresh cluster, by the
# procedure of docs/backup.md.
#
# Cluster "source": casework from the seeded generator (the real workflow,
# as the duties allow), a provider enquiry with records in several tables,
# a paused deadline, alerts fired by sweep() and part of the outbox
# delivered, a chosen pseudonym secret, a calendar year imported beyond the
# shipped ones, and a seal whose digest is kept.  pg_dump -Fc.
#
# Cluster "target": the roles from pg_dumpall --globals-only, an empty
# database, and pg_restore as a superuser with session_replication_role =
# replica.  Then: every table of schema safeguard holds exactly the rows of
# the source (whole rows as text, generated columns, actors, times and
# hashes included), every sequence has the same last_value and is_called,
# the audit trail verifies (also against the digest kept on the source),
# the live rows agree with the trail (verify_ledger(): the restore records
# no audit row of its own, and the rows CREATE EXTENSION installs again
# agree with the BASELINE rows the source recorded for them), and the same
# work done afterwards on both clusters gives the same ids,
# the same chain positions and the same pseudonyms.  The same procedure with
# a plain dump through psql gives the same tables.
#
# A restore without the procedure fails loudly (SG701, a hint naming
# docs/backup.md) and leaves no row behind; a role that is not a superuser
# gains nothing from session_replication_role = replica, even when allowed
# to set it and made a member of the tables' owner.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use SafeguardTest qw(preload_safeguard);

my $generator = ($ENV{TESTDIR} // '.') . '/test/generator/generator.sql';
ok(-f $generator, 'the generator is found');

my $src = PostgreSQL::Test::Cluster->new('dump_source');
$src->init;
preload_safeguard($src);
$src->start;
my $dst = PostgreSQL::Test::Cluster->new('restore_target');
$dst->init;
preload_safeguard($dst);
$dst->start;

# Returns the rows of a query as a list of lines.
sub lines
{
	my ($node, $db, $sql) = @_;
	my $out = $node->safe_psql($db, $sql);
	return $out eq '' ? () : split(/\n/, $out);
}

# Returns a psql error's SQLSTATE (VERBOSITY verbose), or 'none'.
sub sqlstate_of
{
	my ($node, $db, $sql) = @_;
	my ($ret, $stdout, $stderr) = $node->psql($db, "\\set VERBOSITY verbose\n" . $sql);
	return $stderr =~ /ERROR:  ([0-9A-Z]{5}):/ ? $1 : 'none';
}

#--------------------------------------------------------------------------
# 1. Casework on the source
#--------------------------------------------------------------------------
$src->safe_psql('postgres', 'CREATE DATABASE casework');
$src->safe_psql('casework', "SET client_min_messages = warning;\nCREATE EXTENSION safeguard;\n\\i $generator\n");
$src->safe_psql('casework', q{
SET client_min_messages = warning;
SELECT safeguard.set_clock('2026-01-15 12:00+00') IS NOT NULL AS pinned \gset
SELECT sg_gen.setup();
SELECT sg_gen.plan(20261, 120, '2025-10-01', '2026-01-10') AS planned \gset
SELECT sg_gen.execute('2026-01-15 12:00+00') AS steps \gset
-- A provider enquiry with records in several of its tables.
CREATE ROLE gen_eo1 LOGIN;
CREATE ROLE gen_comm1 LOGIN;
SELECT safeguard.grant_duty('gen_eo1', 'enquiry_officer', (SELECT id FROM safeguard.organisation WHERE code = 'GEN-LA1')) AS g1,
       safeguard.grant_duty('gen_comm1', 'commissioner', (SELECT id FROM safeguard.organisation WHERE code = 'GEN-LA1')) AS g2 \gset
SET ROLE gen_la1_hub;
SELECT safeguard.propose_provider_enquiry(
    (SELECT id FROM safeguard.organisation WHERE code = 'GEN-P1'),
    (SELECT id FROM safeguard.organisation WHERE code = 'GEN-LA1'),
    ARRAY[(SELECT id FROM safeguard.organisation WHERE code = 'GEN-LOC1')]) AS enquiry \gset
SELECT safeguard.record_threshold(:enquiry, 'three_or_more_allegations', true, 'Three allegations of neglect.') AS t1 \gset
RESET ROLE;
SET ROLE gen_la1_sam;
SELECT safeguard.invoke_provider_enquiry(:enquiry, 'moderate', 'Pattern of neglect concerns.',
    ARRAY['place with caution']) AS invoked \gset
SELECT safeguard.appoint_to_enquiry(:enquiry, 'gen_eo1', 'enquiry_officer') AS appointment \gset
SELECT safeguard.record_enquiry_meeting(:enquiry, 'initial', safeguard.now(), ARRAY['concerns', 'roles'],
    'Fact finding within 15 working days.', 15) AS meeting \gset
SELECT safeguard.add_meeting_attendee(:meeting, (SELECT id FROM safeguard.organisation WHERE code = 'GEN-LA1'),
    'Safeguarding Adults Manager', 'Gen SAM') AS attendee \gset
RESET ROLE;
SET ROLE gen_comm1;
SELECT safeguard.record_commissioning_decision(:enquiry, (SELECT id FROM safeguard.organisation WHERE code = 'GEN-LA1'),
    'place_with_caution', 'Moderate risk.', :meeting) AS decision \gset
RESET ROLE;
SET ROLE gen_eo1;
SELECT safeguard.record_finding(:enquiry, 'Medication records incomplete.') AS finding \gset
RESET ROLE;
-- A paused deadline (clock-stop), alerts fired by a later sweep, part of the outbox delivered.
SET ROLE gen_admin;
SELECT safeguard.pause_deadline((SELECT min(id) FROM safeguard.deadline WHERE status = 'open'),
    'Awaiting police advice.') AS paused \gset
RESET ROLE;
SELECT safeguard.set_clock('2026-02-20 12:00+00') IS NOT NULL AS pinned \gset
SELECT safeguard.sweep(100000) AS fired \gset
SELECT safeguard.outbox_mark_delivered(ARRAY(SELECT id FROM safeguard.outbox ORDER BY id LIMIT 5)) AS delivered \gset
-- A chosen pseudonym secret (re-keys every case) and a calendar year beyond the shipped ones.
SELECT safeguard.set_pseudonym_secret(repeat('t09-restore-secret-', 3)) AS rekeyed \gset
SELECT safeguard.import_bank_holidays('{"england-and-wales": {"division": "england-and-wales", "events": [
    {"title": "New Year''s Day", "date": "2029-01-01", "notes": "", "bunting": true},
    {"title": "Good Friday", "date": "2029-03-30", "notes": "", "bunting": false},
    {"title": "Easter Monday", "date": "2029-04-02", "notes": "", "bunting": true}]}}') AS added_2029 \gset
});
my $digest = $src->safe_psql('casework', 'SELECT safeguard.audit_digest()');
like($digest, qr/^sg1:\d+:[0-9a-f]{64}$/, 'the source seals its audit trail; the digest is kept');

my %count = map { split /=/ } lines($src, 'casework', q{
SELECT 'concern=' || count(*) FROM safeguard.concern
UNION ALL SELECT 'provider_enquiry=' || count(*) FROM safeguard.provider_enquiry
UNION ALL SELECT 'enquiry_records=' || (SELECT count(*) FROM safeguard.enquiry_meeting) + (SELECT count(*) FROM safeguard.enquiry_finding)
    + (SELECT count(*) FROM safeguard.commissioning_decision) + (SELECT count(*) FROM safeguard.meeting_attendee)
UNION ALL SELECT 'deadline_pause=' || count(*) FROM safeguard.deadline_pause
UNION ALL SELECT 'deadline_alert=' || count(*) FROM safeguard.deadline_alert
UNION ALL SELECT 'delivered=' || count(*) FROM safeguard.outbox WHERE delivered_at IS NOT NULL
UNION ALL SELECT 'imported=' || count(*) FROM safeguard.bank_holiday WHERE NOT shipped
UNION ALL SELECT 'covered_to=' || covered_to FROM safeguard.division WHERE division = 'england-and-wales'
UNION ALL SELECT 'seal=' || count(*) FROM safeguard.audit_seal});
is(join(' ', map { "$_=$count{$_}" } grep { $_ ne 'deadline_alert' } sort keys %count),
	'concern=120 covered_to=2029-12-31 deadline_pause=1 delivered=5 enquiry_records=4 imported=3 provider_enquiry=1 seal=1',
	'the source holds casework, an enquiry with its records, a pause, a delivered outbox, an imported year and a seal');
cmp_ok($count{deadline_alert}, '>', 0, "sweep() fired $count{deadline_alert} alerts on the source");
is($src->safe_psql('casework', 'SELECT count(*) FROM safeguard.verify_audit()'), '0',
	'the source verifies');
is($src->safe_psql('casework', 'SELECT count(*) FROM safeguard.verify_ledger()'), '0',
	'the source\'s live rows agree with its audit trail (verify_ledger)');

# One line per table and sequence of schema safeguard: whole rows as text
# (generated columns included) in a stable order, hashed; a sequence's state.
my $fingerprint = q{
SET client_min_messages = warning;
SELECT CASE WHEN c.relkind = 'S'
            THEN format('SELECT %L || '' '' || last_value || '' '' || is_called FROM safeguard.%I', c.relname, c.relname)
            ELSE format('SELECT %L || '' '' || count(*) || '' '' || md5(coalesce(string_agg(x::text, E''\n'' ORDER BY x::text), '''')) FROM safeguard.%I x',
                        c.relname, c.relname) END
FROM pg_catalog.pg_class c
WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relkind IN ('r', 'S') ORDER BY c.relname \gexec
};
my %before = map { /^(\S+) (.*)$/ } lines($src, 'casework', $fingerprint);

#--------------------------------------------------------------------------
# 2. Dump; the roles; restore by the procedure
#--------------------------------------------------------------------------
my $tmp = PostgreSQL::Test::Utils::tempdir;
my $dump = "$tmp/casework.dump";
$src->command_ok([ 'pg_dump', '-Fc', '-f', $dump, '-d', 'casework' ], 'pg_dump -Fc of the casework database');
$src->command_ok([ 'pg_dumpall', '--globals-only', '-f', "$tmp/globals.sql" ], 'pg_dumpall --globals-only');
# The bootstrap superuser exists already: psql reports that and goes on.
$dst->psql('postgres', '', on_error_stop => 0, extra_params => [ '-f', "$tmp/globals.sql" ]);
is( $dst->safe_psql('postgres', q{
SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname IN ('gen_cc', 'gen_la1_hub', 'gen_eo1', 'safeguard_owner')}),
	'4', 'the target has the login roles and the duty roles');

$dst->safe_psql('postgres', 'CREATE DATABASE casework TEMPLATE template0');
{
	local $ENV{PGOPTIONS} = '-c session_replication_role=replica';
	$dst->command_ok(
		[ 'pg_restore', '--single-transaction', '--exit-on-error', '-d', 'casework', $dump ],
		'pg_restore as a superuser with session_replication_role = replica');
}

my %after = map { /^(\S+) (.*)$/ } lines($dst, 'casework', $fingerprint);
is(scalar(keys %after), scalar(keys %before), 'the same tables and sequences on both ('
	  . scalar(keys %before) . ')');
foreach my $rel (sort keys %before)
{
	is($after{$rel} // 'missing', $before{$rel}, "restored $rel: identical ($before{$rel})");
}
is( $dst->safe_psql('casework', q{
SELECT string_agg(c.relname, ', ' ORDER BY c.relname) FROM pg_catalog.pg_class c
WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relkind IN ('r', 'S')
  AND c.relname <> 'deadline_kind'
  AND c.oid <> ALL ((SELECT extconfig FROM pg_catalog.pg_extension WHERE extname = 'safeguard')::oid[])}),
	'', 'every table and sequence but the fixed deadline kinds is in the dump (pg_extension_config_dump)');
# What makes the procedure work, kept for every table and trigger a later version adds.
is( $dst->safe_psql('casework', q{
SELECT coalesce(string_agg(c.relname || '.' || t.tgname, ', ' ORDER BY c.relname, t.tgname), '')
FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
WHERE c.relnamespace = 'safeguard'::regnamespace AND NOT t.tgisinternal
  AND (t.tgtype::int & 1) = 1 AND t.tgname <> '_restore_guard'
  AND pg_catalog.pg_get_triggerdef(t.oid) NOT LIKE '% FOR EACH ROW WHEN ((NOT safeguard.restoring())) EXECUTE %'}),
	'', 'every row trigger on safeguard\'s tables stands aside while restoring (WHEN NOT restoring())');
is( $dst->safe_psql('casework', q{
SELECT coalesce(string_agg(c.relname, ', ' ORDER BY c.relname), '')
FROM pg_catalog.pg_extension e CROSS JOIN LATERAL unnest(e.extconfig) AS x(tbl)
JOIN pg_catalog.pg_class c ON c.oid = x.tbl
WHERE e.extname = 'safeguard' AND c.relkind = 'r'
  AND NOT EXISTS (SELECT FROM pg_catalog.pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = '_restore_guard'
                  AND t.tgenabled = 'A')}),
	'', 'every dumped table has _restore_guard, firing ALWAYS');
is($dst->safe_psql('casework', 'SELECT count(*) FROM safeguard.verify_audit()'), '0',
	'verify_audit() passes on the restored database');
is($dst->safe_psql('casework', qq{SELECT count(*) FROM safeguard.verify_audit('$digest')}), '0',
	'the digest kept on the source verifies on the restored database');
is($dst->safe_psql('casework', 'SELECT safeguard.verify_audit_strict()'), 't', 'verify_audit_strict() is true');
is($dst->safe_psql('casework', 'SELECT coalesce(string_agg(concat_ws(\'|\', table_name, row_key, column_name, problem), E\'\n\'), \'\') FROM safeguard.verify_ledger()'),
	'', 'verify_ledger() passes on the restored database: every restored and reinstalled row agrees with the restored trail');
is($dst->safe_psql('casework', q{SELECT count(*) FROM safeguard.audit_event WHERE action = 'BASELINE'}),
	$src->safe_psql('casework', q{SELECT count(*) FROM safeguard.audit_event WHERE action = 'BASELINE'}),
	'the restore recorded no baseline of its own: the BASELINE rows are the source\'s');
is( $dst->safe_psql('casework', q{
SELECT safeguard.working_days_between('2028-12-29', '2029-01-02') || ' ' ||
       pg_catalog.array_to_string(ARRAY(SELECT tgenabled FROM pg_catalog.pg_trigger t
           JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
           WHERE c.relnamespace = 'safeguard'::regnamespace AND NOT t.tgisinternal GROUP BY tgenabled), ',')}),
	'1 A', 'the imported year counts after the restore; every trigger still fires ALWAYS');

# The same procedure with a plain SQL script through psql (pg_dump -Fp).
$src->command_ok([ 'pg_dump', '-Fp', '-f', "$tmp/casework_plain.sql", '-d', 'casework' ], 'pg_dump -Fp');
$dst->safe_psql('postgres', 'CREATE DATABASE casework_plain TEMPLATE template0');
{
	local $ENV{PGOPTIONS} = '-c session_replication_role=replica';
	$dst->command_ok(
		[ 'psql', '-X', '-q', '--single-transaction', '-v', 'ON_ERROR_STOP=1',
		  '-f', "$tmp/casework_plain.sql", '-d', 'casework_plain' ],
		'psql -1 of the plain dump, as a superuser with session_replication_role = replica');
}
my %plain = map { /^(\S+) (.*)$/ } lines($dst, 'casework_plain', $fingerprint);
is_deeply(\%plain, \%before, 'from the plain dump: every table and sequence identical too');
is($dst->safe_psql('casework_plain', qq{SELECT count(*) FROM safeguard.verify_audit('$digest')}), '0',
	'from the plain dump: the audit trail and the kept digest verify');
is($dst->safe_psql('casework_plain', 'SELECT count(*) FROM safeguard.verify_ledger()'), '0',
	'from the plain dump: the live rows agree with the trail');

#--------------------------------------------------------------------------
# 3. The same work afterwards on both: ids, chains and pseudonyms continue
#--------------------------------------------------------------------------
my ($adult) = lines($src, 'casework', q{
SELECT substr(adult_key, 5) FROM safeguard.safeguarding_case WHERE adult_key LIKE 'nhs:%'
GROUP BY adult_key HAVING bool_and(state = 'closed') ORDER BY adult_key LIMIT 1});
ok(defined $adult, "an adult ($adult) whose cases are all closed");
my ($referral, $officer) = split /\|/, $src->safe_psql('casework', q{
SELECT r.id, a.role FROM safeguard.referral r
JOIN sg_gen.org o ON o.id = r.la_id JOIN sg_gen.actor a ON a.org_code = o.code AND a.duty = 'la_officer'
WHERE r.state = 'acknowledged' ORDER BY r.id, a.role LIMIT 1});
ok(defined $officer, "an acknowledged referral ($referral) and an officer of its authority ($officer)");

my %old = map { split /=/ } lines($src, 'casework', qq{
SELECT 'concern=' || max(id) FROM safeguard.concern
UNION ALL SELECT 'case=' || max(id) FROM safeguard.safeguarding_case
UNION ALL SELECT 'audit=' || max(id) FROM safeguard.audit_event
UNION ALL SELECT 'pseudonym=' || min(adult_pseudonym) FROM safeguard.safeguarding_case WHERE adult_key = 'nhs:$adult'
UNION ALL SELECT 'head=' || max(e.chain_seq) FROM safeguard.audit_event e
    WHERE e.chain_key = 'case:' || (SELECT case_id FROM safeguard.referral WHERE id = $referral)});

my $work = qq{
SET client_min_messages = warning;
SELECT safeguard.set_clock('2026-02-23 10:00+00') IS NOT NULL AS pinned \\gset
SET ROLE gen_insp_north;
SELECT safeguard.log_concern('2026-02-23 09:00+00', 'phone', 'relative', 'T09 after the restore.',
    '{Neglect and Acts of Omission}', la_id => (SELECT id FROM safeguard.organisation WHERE code = 'GEN-LA1'),
    referrer_anonymous => true, adult_nhs_number => '$adult') AS c \\gset
SELECT safeguard.triage_concern(:c, 'refer_to_la', 'Needs the council.', true, true, true) AS r \\gset
RESET ROLE;
SET ROLE gen_cc;
SELECT safeguard.send_referral(:r, 'secure_email') AS sent \\gset
RESET ROLE;
SET ROLE $officer;
SELECT safeguard.decide_referral($referral, 'section_42_enquiry', 'All three criteria met.') AS decided \\gset
RESET ROLE;
SELECT safeguard.set_clock('2026-03-20 12:00+00') IS NOT NULL AS pinned \\gset
SELECT safeguard.sweep(100000) AS fired \\gset
SELECT concat_ws(' ', :c, x.case_id, k.adult_pseudonym, :'sent',
    (SELECT string_agg(e.chain_key || '#' || e.chain_seq, ',' ORDER BY e.id) FROM safeguard.audit_event e
     WHERE e.table_name = 'referral' AND e.row_key = '$referral' AND e.action = 'UPDATE'
       AND e.to_state = 'decided'),
    (SELECT min(id) FROM safeguard.audit_event WHERE id > $old{audit}), :fired)
FROM safeguard.concern x JOIN safeguard.safeguarding_case k ON k.id = x.case_id WHERE x.id = :c;
};
my $on_src = $src->safe_psql('casework', $work);
my $on_dst = $dst->safe_psql('casework', $work);
is($on_dst, $on_src, "the same work after the restore gives what it gives on the source ($on_dst)");
my ($c, $case, $pseudonym, $sent, $chain, $first_audit, $fired) = split / /, $on_dst;
is($c, $old{concern} + 1, 'the next concern id follows the restored ones');
is($case, $old{case} + 1, 'the adult\'s closed cases stay closed: a new case, its id following the restored ones');
is($pseudonym, $old{pseudonym}, 'the new case has the same pseudonym as the adult\'s restored cases (secret restored)');
is($sent, 'sent', 'the new referral is sent');
is($chain, 'case:' . $dst->safe_psql('casework', "SELECT case_id FROM safeguard.referral WHERE id = $referral")
	  . '#' . ($old{head} + 1), 'the decision is audited at the next position of the restored case chain');
is($first_audit, $old{audit} + 1, 'the next audit row id follows the restored ones');
cmp_ok($fired, '>', 0, "a later sweep fires $fired new alerts, the same on both (restored alerts are not fired again)");
is($dst->safe_psql('casework', 'SELECT count(*) FROM safeguard.verify_audit()'), '0',
	'verify_audit() passes after the work done since the restore');
is($dst->safe_psql('casework', qq{SELECT count(*) FROM safeguard.verify_audit('$digest')}), '0',
	'the kept digest still verifies');
is($dst->safe_psql('casework', 'SELECT count(*) FROM safeguard.verify_ledger()'), '0',
	'and the live rows agree with the trail after that work');

#--------------------------------------------------------------------------
# 4. A restore without the procedure fails loudly and leaves nothing
#--------------------------------------------------------------------------
$dst->safe_psql('postgres', 'CREATE DATABASE naive_one TEMPLATE template0');
my ($ret, $stdout, $stderr);
$ret = $dst->run_log([ 'pg_restore', '--single-transaction', '--exit-on-error', '-d', 'naive_one', $dump ]);
ok(!$ret, 'pg_restore without session_replication_role = replica fails');
is($dst->safe_psql('naive_one', q{SELECT count(*) FROM pg_catalog.pg_extension WHERE extname = 'safeguard'}),
	'0', 'in one transaction, nothing of it is left');

$dst->safe_psql('postgres', 'CREATE DATABASE naive_many TEMPLATE template0');
$ret = $dst->run_log([ 'pg_restore', '-d', 'naive_many', $dump ]);
ok(!$ret, 'pg_restore without the procedure, going on after errors, still exits with an error');
is( $dst->safe_psql('naive_many', q{
SELECT concat_ws(' ', (SELECT count(*) FROM safeguard.organisation), (SELECT count(*) FROM safeguard.duty_grant),
    (SELECT count(*) FROM safeguard.concern), (SELECT count(*) FROM safeguard.referral),
    (SELECT count(*) FROM safeguard.provider_enquiry), (SELECT count(*) FROM safeguard.deadline_alert),
    (SELECT count(*) FROM safeguard.bank_holiday WHERE NOT shipped),
    (SELECT count(*) FROM safeguard.audit_event WHERE login_role LIKE 'gen\_%'))}),
	'0 0 0 0 0 0 0 0', 'no dumped row was loaded, re-stamped or re-audited: every COPY was refused whole');
is( $dst->safe_psql('naive_many', 'SELECT md5(secret) FROM safeguard.pseudonym_key')
	  eq $src->safe_psql('casework', 'SELECT md5(secret) FROM safeguard.pseudonym_key') ? 'same' : 'other',
	'other', 'the dumped secret was not loaded either (the install made its own)');

# The same dump as a script through psql: the SQLSTATE and the hint.
$dst->command_ok([ 'pg_restore', '-f', "$tmp/casework.sql", $dump ], 'the dump as a SQL script');
$dst->safe_psql('postgres', 'CREATE DATABASE naive_script TEMPLATE template0');
($ret, $stdout, $stderr) = $dst->psql('naive_script', '', on_error_stop => 1,
	extra_params => [ '-v', 'VERBOSITY=verbose', '-f', "$tmp/casework.sql" ]);
like($stderr, qr/ERROR:  SG701:/, 'the first COPY into a safeguard table is refused with SG701');
like($stderr, qr/HINT:  .*session_replication_role = replica.*docs\/backup\.md/,
	'its hint names the procedure (session_replication_role = replica, docs/backup.md)');

#--------------------------------------------------------------------------
# 5. No way in for a role that is not a superuser
#--------------------------------------------------------------------------
$dst->safe_psql('casework', q{
CREATE ROLE t09_mallory LOGIN;
SELECT safeguard.grant_duty('t09_mallory', 'contact_centre',
    (SELECT id FROM safeguard.organisation WHERE code = 'GEN-CQC')) AS g \gset
});
is(sqlstate_of($dst, 'casework', "SET ROLE t09_mallory;\nSET session_replication_role = replica;"),
	'42501', 'an ordinary role cannot set session_replication_role');
my $rows_before = $dst->safe_psql('casework', q{
SELECT (SELECT count(*) FROM safeguard.concern) || ' ' || (SELECT count(*) FROM safeguard.audit_event)});
# Even allowed to set it, and made a member of the tables' owner.
$dst->safe_psql('casework', q{
GRANT SET ON PARAMETER session_replication_role TO t09_mallory;
GRANT safeguard_owner TO t09_mallory;
});
my $as_mallory = "SET ROLE t09_mallory;\nSET session_replication_role = replica;\n";
is($dst->safe_psql('casework', $as_mallory . 'SELECT safeguard.restoring()'), 'f',
	'restoring() is false for her under replica');
is( sqlstate_of($dst, 'casework', $as_mallory . q{
COPY safeguard.audit_event (recorded_at, business_time, txid, login_role, acting_role, table_name, row_key,
    action, changes, chain_key, chain_seq, prev_hash, row_hash) FROM STDIN;
2026-02-23 10:00:00+00	2026-02-23 10:00:00+00	1	gen_cc	gen_cc	concern	1	INSERT	{}	case:1	999	\\\\x00	\\\\x00
\.
}), '0A000', 'COPY of a forged audit row under replica is refused: the audit trail is under row-level security since 1.4, and PostgreSQL refuses COPY FROM into such a table (0A000)');
is( sqlstate_of($dst, 'casework', $as_mallory . q{
INSERT INTO safeguard.concern (received_at, channel, source, description, risk_types, la_id, referrer_anonymous,
    logged_by, logged_at, case_id)
VALUES ('2026-02-23 09:00+00', 'phone', 'relative', 'T09 forged.', '{Neglect and Acts of Omission}',
    (SELECT id FROM safeguard.organisation WHERE code = 'GEN-LA1'), true, 'gen_insp_north', '2026-02-23 09:00+00', 1);
}), 'SG203', 'a concern with forged stamps under replica meets the concern guard (SG203)');
is( sqlstate_of($dst, 'casework', $as_mallory . q{
UPDATE safeguard.referral SET state = 'closed' WHERE state = 'sent';
}), 'SG201', 'a referral ticked closed under replica meets the referral guard (SG201)');
# A superuser under replica: only the restore's COPY FROM and CREATE EXTENSION stand the guards aside.
is( sqlstate_of($dst, 'casework', q{
SET session_replication_role = replica;
INSERT INTO safeguard.duty_grant (role, duty, organisation_id, granted_at, granted_by)
VALUES ('t09_mallory', 'admin', (SELECT id FROM safeguard.organisation WHERE code = 'GEN-CQC'), now(), 'postgres');
}), 'SG203', 'a superuser\'s INSERT under replica still meets the guards (SG203)');
is( $dst->safe_psql('casework', q{
SELECT (SELECT count(*) FROM safeguard.concern) || ' ' || (SELECT count(*) FROM safeguard.audit_event)}),
	$rows_before, 'no row was added');
is($dst->safe_psql('casework', 'SELECT count(*) FROM safeguard.verify_audit()'), '0', 'the audit trail still verifies');

$src->stop;
$dst->stop;
done_testing();

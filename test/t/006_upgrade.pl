# ALTER EXTENSION safeguard UPDATE over live casework, from every released
# version to the default version (safeguard.control), each compared with a
# fresh install: 1.0 -> 1.1, then on to the default version; 1.1, 1.2, 1.3,
# 1.4 and 1.0 straight to it.
#
# A fresh install of the default version runs one full script
# (safeguard--<version>.sql, since 1.5); an update runs the released scripts
# and the update steps after them.  This test proves the two paths give the
# same schema, and that a fresh install does run the full script.
#
# Released scripts never change: the sha256 of safeguard--1.0.sql and of
# every update script (in the tree and as installed) is fixed here, so an edit
# to a released script fails the suite.  A new version's script is pinned when
# it lands (1.5 is not released: safeguard--1.5.sql and safeguard--1.4--1.5.sql
# are not pinned yet).
#
# Database "upgraded": the extension is created at version 1.0 (run by the
# installed, newer shared library) and casework is done through the 1.0
# workflow: duties granted, concerns logged and triaged, referrals sent,
# acknowledged, decided, an outcome recorded with the 1.0 signature and a
# referral closed.  Then the update to 1.1.  Every row written before it is
# still there, unchanged in its 1.0 columns, the audit trail verifies (also
# against a digest sealed before the update), every case about a known adult
# has a pseudonym, and the workflow and the 1.1 reporting layer work on the
# old rows and new ones.  Then the update to the default version over that
# 1.1 casework: every row unchanged, chains and both digests verify, work
# goes on.
#
# Databases "at11", "at12", "at13" and "at14": created at 1.1, 1.2, 1.3 and
# 1.4 with the seeded generator's casework, then updated to the default
# version.  At 1.4 the journeys of every case, referral and enquiry are kept
# before the update: after it, the same calls (now wrappers over journey())
# and journey() itself return the same rows in the same order.  Database
# "direct": 1.0 with casework, updated straight to the default version
# (every script in one ALTER EXTENSION).
#
# Every database updated to the default version also proves its live rows
# against the audit trail (verify_ledger(), 1.4): rows written at 1.0, 1.1 or
# 1.2, before later versions added columns to their tables (generated ones
# computed by the rewrite, recorded ones empty), agree with their audit rows,
# and the rows 1.0 installed before their tables had audit triggers (the
# shipped policy, rules and rungs) are recorded as found by the update
# (BASELINE audit rows: the one thing the update adds to audit_event).
#
# Databases "fresh11" and "fresh": CREATE EXTENSION at 1.1 and at the default
# version; "fresh" runs the full script alone (it drops nothing, where the
# update chain drops what later versions replaced, and the update paths
# PostgreSQL offers are only the released steps).  Database "chain": CREATE
# EXTENSION at 1.4 (1.0 and the chain) and, without casework, the update:
# the install by the chain, against which "fresh" is also compared on the
# rows safeguard installs (the audit rows it writes at install, the shipped
# rows and their ids, every sequence's position).  Each updated schema must
# be the schema of the fresh install of its version, object for object:
# relations, columns (as sets: a column added by ALTER TABLE may sit at
# another attnum) and their order (COPY and applications depend on it),
# functions (whole definitions), triggers, policies, constraints, indexes,
# views, privileges (tables, columns, functions, types, schema), comments,
# enum labels, event triggers, extension membership and configuration, and
# the rows the extension ships.  Differences are printed.
use strict;
use warnings;

use Digest::SHA qw(sha256_hex);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use SafeguardTest qw(preload_safeguard);

# The version CREATE EXTENSION installs, which every update ends at.
my ($current) = slurp_file(($ENV{TESTDIR} // '.') . '/safeguard.control') =~ /^default_version = '([^']+)'/m;
ok(defined $current, "safeguard.control names the default version") or BAIL_OUT('no default_version');

my $node = PostgreSQL::Test::Cluster->new('upgrade');
$node->init;
preload_safeguard($node);
$node->start;

# Every session pins the clock to a Monday inside the calendar's coverage.
my $clock = q{SELECT safeguard.set_clock('2025-06-02 10:00+00') IS NOT NULL AS pinned \gset
SET client_min_messages = warning;
};

# Returns the rows of a query in database $db as a list of lines.
sub lines
{
	my ($db, $sql) = @_;
	my $out = $node->safe_psql($db, $sql);
	return $out eq '' ? () : split(/\n/, $out);
}

#--------------------------------------------------------------------------
# 0. Released scripts are never edited
#--------------------------------------------------------------------------
my %released = (
	'safeguard--1.0.sql' => '7a5f3b7fc2e9b99276c17eff4fb33484179329af911f9b3bfef50737f77645dd',
	'safeguard--1.0--1.1.sql' => '1376debfe92b6c091413b931edf2f5c3e0a66ef05a2646578736cac6c13bd0ce',
	'safeguard--1.1--1.2.sql' => '6da0886d9dde87256882f17aede4902ce8e026586d04542c10def1fad449b09e',
	'safeguard--1.2--1.3.sql' => '3fad5d8d0c20518ba515c2a9f0f69e255a8ce03167a89c0234f28fa6ee9ffc79',
	'safeguard--1.3--1.4.sql' => 'ddeaf2628cc6c812b142b31d669fb285aac08a331adb5a7cf1e57ff5be05ceb3',
);
my $sharedir = $node->config_data('--sharedir');
foreach my $script (sort keys %released)
{
	my $in_tree = ($ENV{TESTDIR} // '.') . "/extension/$script";
	is(sha256_hex(slurp_file($in_tree)), $released{$script}, "released $script is unchanged in the tree");
	is(sha256_hex(slurp_file("$sharedir/extension/$script")), $released{$script},
		"released $script is unchanged as installed");
}

# Keeps every row of every safeguard table, as text over its columns now,
# in schema $snap of database $db.
sub snapshot_rows
{
	my ($db, $snap) = @_;
	$node->safe_psql($db, qq{
CREATE SCHEMA $snap;
CREATE TABLE $snap.row_text (tbl text, row_text text);
DO \$\$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT c.relname,
                    string_agg(format('x.%I', a.attname), ', ' ORDER BY a.attnum) AS cols
             FROM pg_catalog.pg_class c
             JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
             WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relkind = 'r'
             GROUP BY c.relname
    LOOP
        EXECUTE format('INSERT INTO $snap.row_text SELECT %L, ROW(%s)::text FROM safeguard.%I x',
                       t.relname, t.cols, t.relname);
    END LOOP;
END
\$\$;
CREATE TABLE $snap.columns AS
SELECT c.relname, a.attname FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relkind = 'r';
});
	return;
}

# After an update: the rows kept in $snap, over the columns they had then.
# Every row is still there unchanged (but in tables listed in $changed),
# rows were added to no table (but those in $added), no column was dropped.
sub rows_kept
{
	my ($db, $snap, $what, $changed, $added) = @_;
	my $list = sub { join(', ', map { "'$_'" } ('-', @{ $_[0] })) };
	$node->safe_psql($db, qq{
CREATE TABLE $snap.row_text_after (tbl text, row_text text);
DO \$\$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT b.relname, string_agg(format('x.%I', b.attname), ', ' ORDER BY a.attnum) AS cols
             FROM $snap.columns b
             JOIN pg_catalog.pg_attribute a ON a.attrelid = format('safeguard.%I', b.relname)::regclass
                                           AND a.attname = b.attname
             GROUP BY b.relname
    LOOP
        EXECUTE format('INSERT INTO $snap.row_text_after SELECT %L, ROW(%s)::text FROM safeguard.%I x',
                       t.relname, t.cols, t.relname);
    END LOOP;
END
\$\$;
});
	is( $node->safe_psql($db, qq{
SELECT coalesce(string_agg(tbl || ': ' || row_text, E'\n' ORDER BY tbl, row_text), '')
FROM (SELECT tbl, row_text FROM $snap.row_text WHERE tbl NOT IN (} . $list->($changed) . qq{)
      EXCEPT ALL
      SELECT tbl, row_text FROM $snap.row_text_after) missing}),
		'', "$what: every row of every table is still there with its columns unchanged"
		  . (@$changed ? ' (but ' . join(', ', @$changed) . ')' : ''));
	is( $node->safe_psql($db, qq{
SELECT coalesce(string_agg(tbl || ': ' || row_text, E'\n' ORDER BY tbl, row_text), '')
FROM (SELECT tbl, row_text FROM $snap.row_text_after
      EXCEPT ALL
      SELECT tbl, row_text FROM $snap.row_text) added
WHERE tbl NOT IN (} . $list->([ @$changed, @$added ]) . qq{)}),
		'', "$what: the update added rows to no table"
		  . (@$added ? ' but ' . join(', ', @$added) : ''));
	is( $node->safe_psql($db, qq{
SELECT string_agg(DISTINCT b.relname || '.' || b.attname, ', ')
FROM $snap.columns b
WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a
                  WHERE a.attrelid = format('safeguard.%I', b.relname)::regclass
                    AND a.attname = b.attname AND NOT a.attisdropped)}),
		'', "$what: no column was dropped");
	return;
}

# The tables an update to the default version adds rows to: the audit trail
# and its serial locks, and (1.5, issue 16) the shipped deadline kinds, rules
# and rungs of the council pathway's enquiries, compared with a fresh install
# under 'shipped rows'.
my @added_by_current = ('audit_event', 'serial_lock', 'deadline_kind', 'deadline_rule', 'escalation_rung');

# The version of the extension in a database.
sub version_of
{
	return $node->safe_psql($_[0], q{SELECT extversion FROM pg_extension WHERE extname = 'safeguard'});
}

# After an update to the default version: verify_ledger() finds every live row
# in agreement with the audit trail, the shipped rows are recorded as found
# (BASELINE), and the ledger is not blind: a row changed behind the triggers
# (pg_trigger edited, no DDL) is found, and undone.
sub ledger_verifies
{
	my ($db, $what) = @_;
	is($node->safe_psql($db, 'SELECT coalesce(string_agg(concat_ws(\'|\', table_name, row_key, column_name, live_value, trail_value, problem), E\'\n\'), \'\') FROM safeguard.verify_ledger()'),
		'', "$what: verify_ledger() finds every audited row in agreement with its audit rows");
	is( $node->safe_psql($db, q{
SELECT count(*) FROM safeguard.deadline_rule x
WHERE shipped AND NOT EXISTS (SELECT FROM safeguard.audit_event a
    WHERE a.table_name = 'deadline_rule' AND a.row_key = x.policy_id::text
      AND a.action IN ('INSERT', 'BASELINE') AND a.changes->>'kind' = x.kind)}),
		'0', "$what: every shipped rule has an audit row of its insert or a BASELINE");
	is( $node->safe_psql($db, q{
BEGIN;
WITH t AS (UPDATE pg_catalog.pg_trigger SET tgenabled = 'D'
           WHERE tgrelid = 'safeguard.concern'::regclass AND tgenabled = 'A' RETURNING tgrelid)
UPDATE pg_catalog.pg_class SET relhastriggers = true WHERE oid IN (SELECT tgrelid FROM t);
UPDATE safeguard.concern SET description = 'T06 changed behind the triggers.'
WHERE id = (SELECT min(id) FROM safeguard.concern);
SELECT table_name || ' ' || column_name FROM safeguard.verify_ledger();
ROLLBACK;
}), 'concern description', "$what: and a concern changed behind the triggers is found");
	return;
}

#--------------------------------------------------------------------------
# 1. Version 1.0 and its casework
#--------------------------------------------------------------------------
$node->safe_psql('postgres', 'CREATE DATABASE upgraded');
$node->safe_psql('postgres', 'CREATE DATABASE fresh11');
$node->safe_psql('upgraded', q{
SET client_min_messages = warning;
CREATE EXTENSION safeguard VERSION '1.0';
});
is($node->safe_psql('upgraded', q{SELECT extversion FROM pg_extension WHERE extname = 'safeguard'}),
	'1.0', 'the extension is created at version 1.0');

# The 1.0 workflow (roles are cluster-wide: created once, granted per database).
my $casework_10 = $clock . q{
INSERT INTO safeguard.organisation (kind, name, code) VALUES
    ('regulator', 'T06 Regulator', 'T06-CQC'),
    ('local_authority', 'T06 Council', 'T06-LA'),
    ('provider', 'T06 Provider', 'T06-PROV');
INSERT INTO safeguard.organisation (kind, name, code, parent_id, la_id)
SELECT 'provider_location', 'T06 Home', 'T06-LOC', p.id, l.id
FROM safeguard.organisation p, safeguard.organisation l
WHERE p.code = 'T06-PROV' AND l.code = 'T06-LA';
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['t06_admin', 't06_cc', 't06_insp', 't06_la', 't06_la2', 't06_reader', 't06_auditor']
    LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I LOGIN', r);
        END IF;
    END LOOP;
END
$$;
SELECT id AS cqc FROM safeguard.organisation WHERE code = 'T06-CQC' \gset
SELECT id AS la FROM safeguard.organisation WHERE code = 'T06-LA' \gset
SELECT id AS loc FROM safeguard.organisation WHERE code = 'T06-LOC' \gset
SELECT safeguard.grant_duty('t06_admin', 'admin', :cqc) AS g1,
       safeguard.grant_duty('t06_cc', 'contact_centre', :cqc) AS g2,
       safeguard.grant_duty('t06_insp', 'inspector', :cqc) AS g3,
       safeguard.grant_duty('t06_la', 'la_officer', :la) AS g4,
       safeguard.grant_duty('t06_la2', 'la_officer', :la) AS g5,
       safeguard.grant_duty('t06_reader', 'reader', :cqc) AS g6,
       safeguard.grant_duty('t06_auditor', 'auditor', :cqc) AS g7 \gset

SET ROLE t06_insp;
-- c1: a named adult, referred, closed by the end; c2: the same adult's
-- repeat, joining the open case; c3: an unknown adult at the home, referred
-- and left sent; c4: another adult (name and date of birth), decided and
-- left awaiting its outcome; c5: not referred.
SELECT safeguard.log_concern('2025-06-02 09:00+00', 'phone', 'relative', 'T06 bruising.',
    '{Physical Abuse}', provider_location_id => :loc, referrer_name => 'Ann Jones',
    referrer_phone => '07700 900123', adult_nhs_number => '943 476 5919', adult_name => 'Mary Jones',
    adult_date_of_birth => '1938-05-14', adult_gender => 'Female') AS c1 \gset
SELECT safeguard.log_concern('2025-06-02 09:30+00', 'email', 'professional', 'T06 bruising again.',
    '{Physical Abuse}', la_id => :la, referrer_name => 'Dr Patel',
    referrer_email => 'patel@t06.example', adult_nhs_number => '9434765919') AS c2 \gset
SELECT safeguard.log_concern('2025-06-02 09:00+00', 'phone', 'whistleblower', 'T06 short staffing.',
    '{Organisational Abuse}', provider_location_id => :loc, referrer_anonymous => true) AS c3 \gset
SELECT safeguard.log_concern('2025-06-02 09:00+00', 'letter', 'member_of_public', 'T06 money taken.',
    '{Financial or Material Abuse}', la_id => :la, referrer_name => 'Bo Bell',
    referrer_address => '1 High Street', adult_name => 'John Smith',
    adult_date_of_birth => '1945-02-02') AS c4 \gset
SELECT safeguard.log_concern('2025-06-02 09:00+00', 'phone', 'anonymous', 'T06 not referred.',
    '{Self-Neglect}', la_id => :la, referrer_anonymous => true) AS c5 \gset
SELECT safeguard.triage_concern(:c1, 'refer_to_la', 'Needs the council.', true, true, true) AS r1 \gset
SELECT safeguard.triage_concern(:c2, 'no_referral', 'Part of the same referral.', true, true, false) AS none \gset
SELECT safeguard.triage_concern(:c3, 'refer_to_la', 'Needs the council.', true, true, true) AS r3 \gset
SELECT safeguard.triage_concern(:c4, 'refer_to_la', 'Needs the council.', true, true, true) AS r4 \gset
SELECT safeguard.triage_concern(:c5, 'regulatory_action_only', 'A matter for inspection.', false, false, false) AS none \gset
RESET ROLE;
SET ROLE t06_cc;
SELECT safeguard.send_referral(:r1, 'secure_email') AS s1, safeguard.send_referral(:r3, 'phone') AS s3,
       safeguard.send_referral(:r4, 'email') AS s4 \gset
RESET ROLE;
SET ROLE t06_la;
SELECT safeguard.acknowledge_referral(:r1, la_reference => 'LA-1') AS a1,
       safeguard.acknowledge_referral(:r4) AS a4 \gset
SELECT safeguard.decide_referral(:r1, 'section_42_enquiry', 'All three criteria met.') AS d1,
       safeguard.decide_referral(:r4, 'other_enquiry', 'Finances to look into.') AS d4 \gset
SELECT safeguard.record_referral_outcome(:r1, 'Risk identified and action taken', 'Risk reduced') AS o1 \gset
SELECT safeguard.close_referral(:r1, feedback_at => safeguard.now(), feedback_method => 'letter') AS x1 \gset
RESET ROLE;
};
$node->safe_psql('upgraded', $casework_10);

my %ids = map { split /=/ } lines('upgraded', q{
SELECT 'c1=' || min(id) FROM safeguard.concern WHERE description = 'T06 bruising.'
UNION ALL SELECT 'c4=' || min(id) FROM safeguard.concern WHERE description = 'T06 money taken.'
UNION ALL SELECT 'r1=' || r.id FROM safeguard.referral r JOIN safeguard.concern c ON c.id = r.concern_id
          WHERE c.description = 'T06 bruising.'
UNION ALL SELECT 'r3=' || r.id FROM safeguard.referral r JOIN safeguard.concern c ON c.id = r.concern_id
          WHERE c.description = 'T06 short staffing.'
UNION ALL SELECT 'r4=' || r.id FROM safeguard.referral r JOIN safeguard.concern c ON c.id = r.concern_id
          WHERE c.description = 'T06 money taken.'
UNION ALL SELECT 'la=' || id FROM safeguard.organisation WHERE code = 'T06-LA'});
is( $node->safe_psql('upgraded', qq{
SELECT string_agg(state::text, ',' ORDER BY id) FROM safeguard.referral
WHERE id IN ($ids{r1}, $ids{r3}, $ids{r4})}),
	'closed,sent,decided',
	'1.0 workflow under the new library: one referral closed, one sent, one decided');
is( $node->safe_psql('upgraded', qq{
SELECT state FROM safeguard.safeguarding_case
WHERE id = (SELECT case_id FROM safeguard.concern WHERE id = $ids{c1})}),
	'closed', 'the closed referral closed its case (both concerns triaged)');

#--------------------------------------------------------------------------
# 2. What must survive the update: every row's 1.0 columns, as text, and a
#    digest sealing the audit trail (sealed first: a seal is a row too)
#--------------------------------------------------------------------------
my $digest = $node->safe_psql('upgraded', 'SELECT safeguard.audit_digest()');
like($digest, qr/^sg1:\d+:[0-9a-f]{64}$/, 'an audit digest is sealed before the update');
snapshot_rows('upgraded', 't06_before');
my $audit_before = $node->safe_psql('upgraded', 'SELECT max(id) FROM safeguard.audit_event');
my %rows_before = map { split /\|/ } lines('upgraded',
	'SELECT tbl, count(*) FROM t06_before.row_text GROUP BY tbl');
cmp_ok($rows_before{concern}, '==', 5, 'before: five concerns');
cmp_ok($rows_before{audit_event}, '>', 30, "before: $rows_before{audit_event} audit rows");

#--------------------------------------------------------------------------
# 3. The update
#--------------------------------------------------------------------------
my ($ret, $stdout, $stderr) = $node->psql('upgraded', "ALTER EXTENSION safeguard UPDATE TO '1.1'");
is($ret, 0, "ALTER EXTENSION safeguard UPDATE TO '1.1' succeeds") or diag($stderr);
is(version_of('upgraded'), '1.1', 'the extension is at version 1.1');

# Every row written before the update is there, with its 1.0 columns as they were.
rows_kept('upgraded', 't06_before', '1.0 -> 1.1', ['pseudonym_key'], [ 'audit_event', 'serial_lock' ]);
is( $node->safe_psql('upgraded', q{SELECT count(*) FROM safeguard.pseudonym_key}),
	'1', 'the pseudonym secret is one row, as before');
is( $node->safe_psql('upgraded', qq{
SELECT count(*) FROM safeguard.audit_event WHERE id <= $audit_before}),
	$rows_before{audit_event}, 'the audit rows from before the update are all there');
is( $node->safe_psql('upgraded', q{SELECT count(*) FROM safeguard.verify_audit()}),
	'0', 'verify_audit() finds no problem after the update');
is( $node->safe_psql('upgraded', qq{SELECT count(*) FROM safeguard.verify_audit('$digest')}),
	'0', 'the digest sealed before the update verifies: no row removed, no chain rebuilt');
is($node->safe_psql('upgraded', 'SELECT safeguard.verify_audit_strict()'), 't',
	'verify_audit_strict() is true');

# Pseudonyms: the update keyed every case about a known adult.
is( $node->safe_psql('upgraded', q{
SELECT count(*) FILTER (WHERE adult_key IS NOT NULL AND adult_pseudonym ~ '^[0-9a-f]{64}$') || '/' ||
       count(*) FILTER (WHERE adult_key IS NOT NULL) || ' ' ||
       count(*) FILTER (WHERE adult_key IS NULL AND adult_pseudonym IS NULL) || '/' ||
       count(*) FILTER (WHERE adult_key IS NULL)
FROM safeguard.safeguarding_case}),
	'2/2 2/2',
	'every case with an adult key has a 64-hex pseudonym; the two cases of unknown adults have none');
is( $node->safe_psql('upgraded', q{
SELECT count(DISTINCT adult_pseudonym) FROM safeguard.safeguarding_case WHERE adult_key IS NOT NULL}),
	'2', 'two adults, two pseudonyms');

# The new columns on old rows: generated ones computed, recorded ones empty.
is( $node->safe_psql('upgraded', qq{
SELECT concat_ws(' ', x.adult_identified_by, x.adult_age_band, x.referrer_identified,
                 t.rationale_recorded, t.decided_team IS NULL, r.decision_rationale_recorded,
                 r.lacked_capacity IS NULL, r.allocated_to IS NULL)
FROM safeguard.concern x JOIN safeguard.triage t ON t.concern_id = x.id
JOIN safeguard.referral r ON r.concern_id = x.id WHERE x.id = $ids{c1}}),
	'nhs_number 85-94 t t t t t t',
	'old rows: generated columns computed (identified by NHS number, age band 85-94, ...), SAC answers and allocation empty');
is( $node->safe_psql('upgraded', q{
SELECT count(*) FROM safeguard.report_data_quality WHERE must_be_zero AND failing <> 0}),
	'0', 'report_data_quality: every must_be_zero check is zero on the upgraded rows');

#--------------------------------------------------------------------------
# 4. The workflow after the update, on old rows and new
#--------------------------------------------------------------------------
my $after = $node->safe_psql('upgraded', $clock . qq{
SET ROLE t06_insp;
SELECT safeguard.log_concern('2025-06-02 09:45+00', 'phone', 'relative', 'T06 after the update.',
    '{Physical Abuse}', la_id => $ids{la}, referrer_name => 'Ann Jones',
    referrer_phone => '07700 900123', adult_nhs_number => '9434765919') AS c6 \\gset
SELECT safeguard.triage_concern(:c6, 'refer_to_la', 'Needs the council again.', true, true, true) AS r6 \\gset
RESET ROLE;
SET ROLE t06_cc;
SELECT safeguard.send_referral(:r6, 'secure_email') AS s6 \\gset
RESET ROLE;
SET ROLE t06_la;
SELECT safeguard.allocate_referral($ids{r3}, 't06_la2') AS allocated \\gset
SELECT safeguard.record_referral_outcome($ids{r4}, 'Risk identified and action taken', 'Risk removed',
    lacked_capacity => 'No, they did not lack capacity',
    msp_asked => 'Yes, they were asked and outcomes were expressed', msp_achieved => 'Partially Achieved') AS o4 \\gset
RESET ROLE;
SELECT concat_ws(' ', (SELECT joined_open_case FROM safeguard.concern WHERE id = :c6),
    (SELECT state FROM safeguard.referral WHERE id = :r6), :'allocated', :'o4',
    (SELECT n.adult_pseudonym = o.adult_pseudonym
     FROM safeguard.safeguarding_case n, safeguard.safeguarding_case o
     WHERE n.id = (SELECT case_id FROM safeguard.concern WHERE id = :c6)
       AND o.id = (SELECT case_id FROM safeguard.concern WHERE id = $ids{c1})));
});
is($after, 'f sent t06_la2 outcome_recorded t',
	'after the update: a concern about the closed case\'s adult opens a new case with the same pseudonym, '
	  . 'is referred and sent; a 1.0 referral is allocated; another records its outcome with SAC answers');
($ret, $stdout, $stderr) = $node->psql('upgraded', qq{
\\set VERBOSITY verbose
SET ROLE t06_la;
SELECT safeguard.allocate_referral($ids{r1}, 't06_la2');
});
like($stderr, qr/ERROR:  SG602/, 'a closed 1.0 referral cannot be allocated (SG602)');
is( $node->safe_psql('upgraded', $clock . q{
SET ROLE t06_reader;
SELECT "VALUE" FROM safeguard.sac_return(2025)
WHERE "TABLE_REFERENCE" = 'SG3' AND "ENQUIRY_TYPE" = 'Section 42' AND "SUBCATEGORY" = ''
  AND "COLUMN_NAME" = 'Not recorded'}),
	'1', 'sac_return: the outcome recorded under 1.0 counts its capacity as Not recorded');
is($node->safe_psql('upgraded', 'SELECT count(*) FROM safeguard.verify_audit()'),
	'0', 'verify_audit() finds no problem after the work done since the update');

#--------------------------------------------------------------------------
# 5. The upgraded schema is the schema of a fresh 1.1
#--------------------------------------------------------------------------
$node->safe_psql('fresh11', q{
SET client_min_messages = warning;
CREATE EXTENSION safeguard VERSION '1.1';
});
is(version_of('fresh11'), '1.1', "a fresh CREATE EXTENSION ... VERSION '1.1' gives 1.1");

# One text line per catalog fact; white space in definitions is folded.
# (schema safeguard, and from 1.5 the reporting schema, whose views mirror the reader's relations)
my $ns = q{ANY (ARRAY['safeguard'::regnamespace::oid, coalesce(to_regnamespace('safeguard_reporting')::oid, 0)])};
my $ext = q{(SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'safeguard')};
my $fold = sub { "regexp_replace(($_[0])::text, '\\s+', ' ', 'g')" };
my %catalog = (
	'relations' => qq{
SELECT concat_ws(' | ', c.relnamespace::regnamespace, c.relname, c.relkind, c.relpersistence, c.relowner::regrole, c.relrowsecurity,
                 c.relforcerowsecurity, c.reloptions::text, c.relreplident)
FROM pg_catalog.pg_class c WHERE c.relnamespace = $ns},
	'columns' => qq{
SELECT concat_ws(' | ', c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
                 a.attnotnull, a.attidentity, a.attgenerated, a.attcollation::regcollation,
                } . $fold->('pg_catalog.pg_get_expr(d.adbin, d.adrelid)') . qq{)
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE c.relnamespace = $ns},
	'column order' => qq{
SELECT c.relname || ' | ' || string_agg(a.attname, ', ' ORDER BY a.attnum)
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relnamespace = $ns GROUP BY c.relname},
	'functions' => qq{
SELECT concat_ws(' | ', p.oid::regprocedure, pg_catalog.pg_get_function_result(p.oid), p.provolatile,
                 p.prosecdef, p.proisstrict, p.proleakproof, p.proparallel, p.proconfig::text,
                 p.proowner::regrole, }
	  . $fold->(q{CASE WHEN p.prokind IN ('f', 'p') THEN pg_catalog.pg_get_functiondef(p.oid) ELSE p.prosrc END})
	  . qq{)
FROM pg_catalog.pg_proc p WHERE p.pronamespace = $ns},
	'triggers' => qq{
SELECT concat_ws(' | ', c.relname, t.tgname, t.tgenabled, t.tgfoid::regprocedure, pg_catalog.pg_get_triggerdef(t.oid))
FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
WHERE c.relnamespace = $ns AND NOT t.tgisinternal},
	'policies' => q{
SELECT concat_ws(' | ', tablename, policyname, permissive, roles::text, cmd, }
	  . $fold->('qual') . ', ' . $fold->('with_check') . q{)
FROM pg_catalog.pg_policies WHERE schemaname = 'safeguard'},
	'constraints' => qq{
SELECT concat_ws(' | ', c.relname, k.conname, k.contype, k.condeferrable, k.convalidated,
                 pg_catalog.pg_get_constraintdef(k.oid))
FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
WHERE c.relnamespace = $ns},
	'indexes' => q{
SELECT concat_ws(' | ', tablename, indexname, indexdef) FROM pg_catalog.pg_indexes WHERE schemaname = 'safeguard'},
	'views' => qq{
SELECT concat_ws(' | ', c.relnamespace::regnamespace, c.relname, } . $fold->('pg_catalog.pg_get_viewdef(c.oid)') . qq{)
FROM pg_catalog.pg_class c WHERE c.relnamespace = $ns AND c.relkind IN ('v', 'm')},
	'table privileges' => qq{
SELECT concat_ws(' | ', c.relname, a.grantor::regrole, CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END,
                 a.privilege_type, a.is_grantable)
FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a WHERE c.relnamespace = $ns},
	'column privileges' => qq{
SELECT concat_ws(' | ', c.relname, t.attname, x.grantor::regrole, CASE x.grantee WHEN 0 THEN 'PUBLIC' ELSE x.grantee::regrole::text END,
                 x.privilege_type, x.is_grantable)
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_attribute t ON t.attrelid = c.oid,
     pg_catalog.aclexplode(t.attacl) x WHERE c.relnamespace = $ns},
	'column privileges (information_schema)' => q{
SELECT concat_ws(' | ', table_name, column_name, grantee, privilege_type, is_grantable)
FROM information_schema.column_privileges
WHERE table_schema = 'safeguard' AND grantee LIKE 'safeguard\_%'},
	'function privileges' => qq{
SELECT concat_ws(' | ', p.oid::regprocedure, CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END,
                 a.privilege_type, a.is_grantable)
FROM pg_catalog.pg_proc p, pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) a
WHERE p.pronamespace = $ns},
	'type privileges and enum labels' => qq{
SELECT concat_ws(' | ', t.typname, t.typtype, t.typacl::text,
                 (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                  FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid))
FROM pg_catalog.pg_type t WHERE t.typnamespace = $ns},
	'schema' => q{
SELECT concat_ws(' | ', n.nspname, n.nspowner::regrole, n.nspacl::text)
FROM pg_catalog.pg_namespace n WHERE n.nspname IN ('safeguard', 'safeguard_reporting')},
	'comments' => qq{
SELECT concat_ws(' | ', pg_catalog.pg_describe_object(d.classoid, d.objoid, d.objsubid), d.description)
FROM pg_catalog.pg_description d
WHERE (d.classoid, d.objoid) IN (SELECT classid, objid FROM pg_catalog.pg_depend
                                 WHERE refclassid = 'pg_catalog.pg_extension'::regclass
                                   AND refobjid = $ext AND deptype = 'e')
   OR (d.classoid = 'pg_catalog.pg_class'::regclass
       AND d.objoid IN (SELECT oid FROM pg_catalog.pg_class WHERE relnamespace = $ns))},
	'extension members' => qq{
SELECT pg_catalog.pg_describe_object(classid, objid, objsubid) FROM pg_catalog.pg_depend
WHERE refclassid = 'pg_catalog.pg_extension'::regclass AND refobjid = $ext AND deptype = 'e'},
	'extension configuration' => qq{
SELECT concat_ws(' | ', c.relname, x.cond)
FROM pg_catalog.pg_extension e
CROSS JOIN LATERAL unnest(e.extconfig, e.extcondition) AS x(tbl, cond)
JOIN pg_catalog.pg_class c ON c.oid = x.tbl
WHERE e.oid = $ext},
	'event triggers' => q{
SELECT concat_ws(' | ', evtname, evtevent, evtenabled, evtfoid::regprocedure, evttags::text)
FROM pg_catalog.pg_event_trigger},
	'shipped rows' => q{
SELECT 'division | ' || x::text FROM safeguard.division x WHERE shipped
UNION ALL SELECT 'bank_holiday | ' || x::text FROM safeguard.bank_holiday x WHERE shipped
UNION ALL SELECT 'deadline_kind | ' || x::text FROM safeguard.deadline_kind x
UNION ALL SELECT 'deadline_policy | ' || x::text FROM safeguard.deadline_policy x WHERE shipped
UNION ALL SELECT 'deadline_rule | ' || x::text FROM safeguard.deadline_rule x WHERE shipped
UNION ALL SELECT 'escalation_rung | ' || x::text FROM safeguard.escalation_rung x WHERE shipped
UNION ALL SELECT 'pseudonym_key | rows ' || count(*) FROM safeguard.pseudonym_key},
);

# Compares the schema of an updated database with a fresh install, catalog fact by fact.
sub compare_catalogs
{
	my ($upgraded_db, $fresh_db, $path) = @_;
	foreach my $what (sort keys %catalog)
	{
		my @upgraded = sort(lines($upgraded_db, $catalog{$what}));
		my @fresh = sort(lines($fresh_db, $catalog{$what}));
		my (%in_upgraded, %in_fresh);
		$in_upgraded{$_}++ foreach @upgraded;
		$in_fresh{$_}++ foreach @fresh;
		my @only_upgraded = grep { ($in_upgraded{$_} // 0) > ($in_fresh{$_} // 0) } sort keys %in_upgraded;
		my @only_fresh = grep { ($in_fresh{$_} // 0) > ($in_upgraded{$_} // 0) } sort keys %in_fresh;
		ok(@fresh > 0, "$path, $what: the fresh schema has some (" . scalar(@fresh) . ')');
		ok(!@only_upgraded && !@only_fresh, "$path, $what: upgraded and fresh are the same")
		  or diag(join("\n", (map { "only upgraded: $_" } @only_upgraded),
				(map { "only fresh:    $_" } @only_fresh)));
	}
	return;
}

compare_catalogs('upgraded', 'fresh11', '1.0 -> 1.1');

#--------------------------------------------------------------------------
# 6. 1.1 -> the default version over the casework updated from 1.0
#--------------------------------------------------------------------------
my $digest11 = $node->safe_psql('upgraded', 'SELECT safeguard.audit_digest()');
like($digest11, qr/^sg1:\d+:[0-9a-f]{64}$/, 'a second digest is sealed at 1.1');
snapshot_rows('upgraded', 't06_before12');
($ret, $stdout, $stderr) = $node->psql('upgraded', 'ALTER EXTENSION safeguard UPDATE');
is($ret, 0, "ALTER EXTENSION safeguard UPDATE (1.1 -> $current) succeeds") or diag($stderr);
is(version_of('upgraded'), $current, "the extension is at version $current");
rows_kept('upgraded', 't06_before12', "1.1 -> $current", [], \@added_by_current);
is( $node->safe_psql('upgraded', qq{
SELECT count(*) FROM safeguard.verify_audit() UNION ALL SELECT count(*) FROM safeguard.verify_audit('$digest')
UNION ALL SELECT count(*) FROM safeguard.verify_audit('$digest11')}),
	"0\n0\n0", "1.1 -> $current: the chains verify, and so do the digests sealed at 1.0 and at 1.1");
ledger_verifies('upgraded', "1.0 -> 1.1 -> $current");
is( $node->safe_psql('upgraded', $clock . qq{
SET ROLE t06_insp;
SELECT safeguard.log_concern('2025-06-02 09:50+00', 'phone', 'relative', 'T06 after the update.',
    '{Physical Abuse}', la_id => $ids{la}, referrer_anonymous => true, adult_nhs_number => '9434765919') AS c7 \\gset
SELECT safeguard.triage_concern(:c7, 'no_referral', 'Already with the council.', true, true, false) AS none \\gset
RESET ROLE;
SELECT concat_ws(' ', x.joined_open_case,
    k.adult_pseudonym = (SELECT adult_pseudonym FROM safeguard.safeguarding_case
                         WHERE id = (SELECT case_id FROM safeguard.concern WHERE id = $ids{c1})),
    (SELECT count(*) FROM safeguard.verify_audit()))
FROM safeguard.concern x JOIN safeguard.safeguarding_case k ON k.id = x.case_id WHERE x.id = :c7;
}), 't t 0', "$current: a repeat concern joins the adult's open case, same pseudonym, and the chains verify");
is($node->safe_psql('upgraded', 'SELECT count(*) FROM safeguard.verify_ledger()'), '0',
	"$current: after the work done since the update, the live rows still agree with the trail");

#--------------------------------------------------------------------------
# 7. 1.1 and 1.2 with the generator's casework -> the default version
#--------------------------------------------------------------------------
my $generator = ($ENV{TESTDIR} // '.') . '/test/generator/generator.sql';

# Keeps, in database $db, the journey of every case, referral and provider
# enquiry as the functions of 1.4 return it (each row as text, numbered).
sub journeys_before
{
	my ($db) = @_;
	# The generator proposes no provider enquiry: one is proposed and invoked.
	$node->safe_psql($db, q{
SET client_min_messages = warning;
SELECT safeguard.set_clock('2026-02-23 10:00+00') IS NOT NULL AS pinned \gset
SET ROLE gen_la1_hub;
SELECT safeguard.propose_provider_enquiry((SELECT id FROM safeguard.organisation WHERE code = 'GEN-P1'),
    (SELECT la_id FROM safeguard.organisation WHERE code = 'GEN-LOC1'),
    ARRAY(SELECT id FROM safeguard.organisation WHERE code = 'GEN-LOC1')) AS e \gset
SELECT safeguard.record_threshold(:e, 'professional_concerns', true, 'T06 district nurses report neglect.');
RESET ROLE;
SET ROLE gen_la1_sam;
SELECT safeguard.invoke_provider_enquiry(:e, 'moderate', 'T06 criterion 4 met.');
RESET ROLE;
});
	$node->safe_psql($db, q{
CREATE TABLE t06_journeys AS
SELECT 'case' AS subject, k.id, j.n, j.r FROM safeguard.safeguarding_case k,
     LATERAL (SELECT x::text AS r, row_number() OVER () AS n FROM safeguard.case_journey(k.id) x) j
UNION ALL
SELECT 'referral', f.id, j.n, j.r FROM safeguard.referral f,
     LATERAL (SELECT x::text AS r, row_number() OVER () AS n FROM safeguard.referral_journey(f.id) x) j
UNION ALL
SELECT 'enquiry', e.id, j.n, j.r FROM safeguard.provider_enquiry e,
     LATERAL (SELECT x::text AS r, row_number() OVER () AS n FROM safeguard.enquiry_journey(e.id) x) j;
});
	return;
}

# After the update: the journeys kept by journeys_before() are returned
# unchanged, in the same order, by the old names and by journey().
sub journeys_after
{
	my ($db) = @_;
	my $kept = $node->safe_psql($db, q{
SELECT count(DISTINCT subject || id) || ' ' || count(*) || ' ' || count(DISTINCT subject) FROM t06_journeys});
	like($kept, qr/^[1-9]\d* [1-9]\d* 3$/, "$db: journeys of cases, referrals and enquiries kept at 1.4 ($kept)");
	foreach my $call ('old', 'journey')
	{
		my $fn = $call eq 'old'
		  ? q{CASE s.subject WHEN 'case' THEN 'case_journey' WHEN 'referral' THEN 'referral_journey' ELSE 'enquiry_journey' END}
		  : q{'journey'};
		my $args = $call eq 'old' ? q{'(%s)', s.id} : q{'(%L, %s)', s.subject, s.id};
		is( $node->safe_psql($db, qq{
DO \$\$
DECLARE
    s record;
BEGIN
    CREATE TEMP TABLE t06_journeys_after (subject text, id bigint, n bigint, r text);
    FOR s IN SELECT DISTINCT subject, id FROM t06_journeys LOOP
        EXECUTE format('INSERT INTO t06_journeys_after SELECT %L, %s, row_number() OVER (), x::text '
                       'FROM safeguard.%I' || format($args) || ' x', s.subject, s.id, $fn);
    END LOOP;
END
\$\$;
SELECT count(*) FROM ((TABLE t06_journeys EXCEPT ALL TABLE t06_journeys_after)
                      UNION ALL (TABLE t06_journeys_after EXCEPT ALL TABLE t06_journeys)) d;
}), '0', "$db: after the update, " . ($call eq 'old' ? 'case_journey, referral_journey and enquiry_journey return' : 'journey() returns')
			  . ' the journeys of 1.4 row for row, in order');
	}
	return;
}

# Creates database $db at version $from with the generator's casework and a
# sweep, seals a digest, updates it to the default version and checks that
# every row is kept, the chains and the digest verify, and the workflow goes
# on.
sub generator_then_update
{
	my ($db, $from) = @_;
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, "SET client_min_messages = warning;\nCREATE EXTENSION safeguard VERSION '$from';\n\\i $generator\n");
	$node->safe_psql($db, q{
SET client_min_messages = warning;
SELECT sg_gen.setup();
SELECT sg_gen.plan(20250, 60, '2025-10-01', '2026-01-10') AS planned \gset
SELECT sg_gen.execute('2026-01-15 12:00+00') AS steps \gset
SELECT safeguard.set_clock('2026-02-20 12:00+00') IS NOT NULL AS pinned \gset
SELECT safeguard.sweep(100000) AS fired \gset
});
	is(version_of($db), $from, "$db: created at $from");
	my $sealed = $node->safe_psql($db, 'SELECT safeguard.audit_digest()');
	cmp_ok($node->safe_psql($db, 'SELECT count(*) FROM safeguard.concern'), '==', 60,
		"$db: the generator logged its 60 concerns at $from");
	journeys_before($db) if $from eq '1.4';
	snapshot_rows($db, 't06_before_update');
	my ($ret, $stdout, $stderr) = $node->psql($db, 'ALTER EXTENSION safeguard UPDATE');
	is($ret, 0, "$db: ALTER EXTENSION safeguard UPDATE succeeds") or diag($stderr);
	is(version_of($db), $current, "$db: the extension is at version $current");
	cmp_ok($node->safe_psql($db, 'SELECT count(*) FROM safeguard.deadline_schedule'), '>', 0,
		"$db: the update scheduled the deadlines open at $from (issue 19)");
	is($node->safe_psql($db, 'SELECT safeguard.rebuild_deadline_schedule()'), '0',
		"$db: the schedule the update computed is the schedule recomputed from the deadlines");
	rows_kept($db, 't06_before_update', "$db $from -> $current", [], \@added_by_current);
	is( $node->safe_psql($db, qq{
SELECT count(*) FROM safeguard.verify_audit() UNION ALL SELECT count(*) FROM safeguard.verify_audit('$sealed')}),
		"0\n0", "$db: the chains and the digest sealed at $from verify at $current");
	ledger_verifies($db, "$db $from -> $current");
	journeys_after($db) if $from eq '1.4';
	is( $node->safe_psql($db, q{
SELECT safeguard.set_clock('2026-02-23 10:00+00') IS NOT NULL AS pinned \gset
SET ROLE gen_insp_north;
SELECT safeguard.log_concern('2026-02-23 09:00+00', 'phone', 'relative', 'T06 after the update.',
    '{Neglect and Acts of Omission}', la_id => (SELECT id FROM safeguard.organisation WHERE code = 'GEN-LA1'),
    referrer_anonymous => true) AS c \gset
SELECT safeguard.triage_concern(:c, 'refer_to_la', 'Needs the council.', true, true, true) AS r \gset
RESET ROLE;
SET ROLE gen_cc;
SELECT safeguard.send_referral(:r, 'phone') AS sent \gset
RESET ROLE;
SELECT :'sent' || ' ' || (SELECT count(*) FROM safeguard.verify_audit());
}), 'sent 0', "$db: the workflow goes on at $current and the chains verify");
	is($node->safe_psql($db, 'SELECT count(*) FROM safeguard.verify_ledger()'), '0',
		"$db: after the work done since the update, the live rows still agree with the trail");
	return;
}

generator_then_update('at11', '1.1');
generator_then_update('at12', '1.2');
generator_then_update('at13', '1.3');
generator_then_update('at14', '1.4');

#--------------------------------------------------------------------------
# 8. 1.0 with casework -> the default version in one update
#--------------------------------------------------------------------------
$node->safe_psql('postgres', 'CREATE DATABASE direct');
$node->safe_psql('direct', "SET client_min_messages = warning;\nCREATE EXTENSION safeguard VERSION '1.0';");
$node->safe_psql('direct', $casework_10);
my $digest_direct = $node->safe_psql('direct', 'SELECT safeguard.audit_digest()');
snapshot_rows('direct', 't06_before');
($ret, $stdout, $stderr) = $node->psql('direct', 'ALTER EXTENSION safeguard UPDATE');
is($ret, 0, 'direct: ALTER EXTENSION safeguard UPDATE from 1.0 succeeds') or diag($stderr);
is(version_of('direct'), $current, "direct: the extension is at version $current");
rows_kept('direct', 't06_before', "direct 1.0 -> $current", ['pseudonym_key'], \@added_by_current);
is( $node->safe_psql('direct', qq{
SELECT count(*) FROM safeguard.verify_audit() UNION ALL SELECT count(*) FROM safeguard.verify_audit('$digest_direct')}),
	"0\n0", "direct: the chains and the digest sealed at 1.0 verify at $current");
ledger_verifies('direct', "direct 1.0 -> $current");
is( $node->safe_psql('direct', q{
SELECT count(*) FILTER (WHERE adult_pseudonym ~ '^[0-9a-f]{64}$') || '/' || count(*)
FROM safeguard.safeguarding_case WHERE adult_key IS NOT NULL}),
	'2/2', 'direct: every case about a known adult has its pseudonym');

#--------------------------------------------------------------------------
# 9. Every updated schema is the schema of a fresh install
#--------------------------------------------------------------------------
# A fresh install runs the full script: CREATE EXTENSION drops nothing,
# where the update chain drops what later versions replaced (an event
# trigger of the test records what is dropped), and PostgreSQL offers the
# update steps only from released versions.
my $record_drops = q{
SET client_min_messages = warning;
CREATE TABLE t06_dropped (object text);
CREATE FUNCTION t06_record_drop() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.t06_dropped SELECT object_type || ' ' || object_identity
    FROM pg_event_trigger_dropped_objects() WHERE NOT is_temporary;
END
$$;
CREATE EVENT TRIGGER t06_record_drop ON sql_drop EXECUTE FUNCTION t06_record_drop();
};
$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('fresh', $record_drops . "CREATE EXTENSION safeguard;\nDROP EVENT TRIGGER t06_record_drop;");
is(version_of('fresh'), $current, "a fresh CREATE EXTENSION gives $current");
is($node->safe_psql('fresh', 'SELECT count(*) FROM t06_dropped'), '0',
	"a fresh CREATE EXTENSION at $current drops nothing: it runs safeguard--$current.sql, not the update chain");
$node->safe_psql('postgres', 'CREATE DATABASE chain');
$node->safe_psql('chain', $record_drops . "CREATE EXTENSION safeguard VERSION '1.4';\nDROP EVENT TRIGGER t06_record_drop;");
like($node->safe_psql('chain', q{SELECT string_agg(object, ', ' ORDER BY object) FROM t06_dropped}),
	qr/^function safeguard\.log_concern\(.*index safeguard\.safeguarding_case_open_adult/,
	'while CREATE EXTENSION ... VERSION 1.4 runs 1.0 and the update chain, which drops what later versions replaced');
is( $node->safe_psql('fresh', q{
SELECT string_agg(source || '>' || path, ' ' ORDER BY source)
FROM pg_catalog.pg_extension_update_paths('safeguard') WHERE target = '1.5' AND path IS NOT NULL}),
	'1.0>1.0--1.1--1.2--1.3--1.4--1.5 1.1>1.1--1.2--1.3--1.4--1.5 1.2>1.2--1.3--1.4--1.5 1.3>1.3--1.4--1.5 1.4>1.4--1.5',
	'the update paths to 1.5 start at the released versions, each through safeguard--1.4--1.5.sql') if $current eq '1.5';
$node->safe_psql('chain', 'DROP TABLE t06_dropped; DROP FUNCTION t06_record_drop();');
$node->safe_psql('fresh', 'DROP TABLE t06_dropped; DROP FUNCTION t06_record_drop();');
($ret, $stdout, $stderr) = $node->psql('chain', 'ALTER EXTENSION safeguard UPDATE');
is($ret, 0, "chain: ALTER EXTENSION safeguard UPDATE from 1.4 succeeds") or diag($stderr);
is(version_of('chain'), $current, "chain: the extension is at version $current");

# What safeguard installs, compared between the chain and the full script:
# the audit rows written at install (but their times, transaction, roles and
# hashes), every row of every table (but the random pseudonym secret) and
# every sequence's position.
my %installed = (
	'audit rows written at install' => q{
SELECT concat_ws(' | ', id, chain_key, chain_seq, table_name, row_key, action, from_state, to_state,
                 organisation_id, duty, case_id, changes::text)
FROM safeguard.audit_event},
	'rows of every table' => q{
SELECT string_agg(format('SELECT %L || '' | '' || x::text FROM safeguard.%I x', c.relname, c.relname), ' UNION ALL ')
FROM pg_catalog.pg_class c
WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relkind = 'r'
  AND c.relname NOT IN ('audit_event', 'pseudonym_key') \gexec},
	'sequences' => q{
SELECT concat_ws(' | ', sequencename, start_value, increment_by, max_value, cache_size, cycle, last_value)
FROM pg_catalog.pg_sequences WHERE schemaname = 'safeguard'},
);
foreach my $what (sort keys %installed)
{
	my @chain = sort(lines('chain', $installed{$what}));
	my @fresh = sort(lines('fresh', $installed{$what}));
	ok(@fresh > 0, "install, $what: the fresh install has some (" . scalar(@fresh) . ')');
	is(join("\n", @fresh), join("\n", @chain), "install, $what: the full script and the chain install the same");
}
compare_catalogs('chain', 'fresh', "1.0 -> 1.4 (install) -> $current");
compare_catalogs('upgraded', 'fresh', "1.0 -> 1.1 -> $current");
compare_catalogs('at11', 'fresh', "1.1 -> $current");
compare_catalogs('at12', 'fresh', "1.2 -> $current");
compare_catalogs('at13', 'fresh', "1.3 -> $current");
compare_catalogs('at14', 'fresh', "1.4 -> $current");
compare_catalogs('direct', 'fresh', "1.0 -> $current");

$node->stop;
done_testing();

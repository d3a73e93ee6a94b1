# An audited transaction commits synchronously even when the client turned
# synchronous_commit off: a concern logged just before a crash (immediate
# stop) is there after restart, with its audit rows and an intact chain.
#
# The node makes asynchronous commits as lossy as it can: synchronous_commit
# is off in postgresql.conf and the WAL writer wakes only every 10 s (the
# maximum), so the commit record of an unaudited transaction can still sit in
# the WAL buffers when the server dies.  An unaudited insert serves as the
# control; whether it survives depends on timing, so it is reported, never
# asserted.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use SafeguardTest qw(preload_safeguard);

my $node = PostgreSQL::Test::Cluster->new('sync_commit');
$node->init;
preload_safeguard($node);
$node->append_conf(
	'postgresql.conf', q{
synchronous_commit = off
wal_writer_delay = 10s
autovacuum = off
});
$node->start;

# The regulator, a local authority, and an inspector acting for the regulator.
$node->safe_psql(
	'postgres', q{
SET client_min_messages = warning;
CREATE EXTENSION safeguard;
CREATE TABLE plain_note (id int PRIMARY KEY, note text NOT NULL);
CREATE ROLE t01_inspector LOGIN;
WITH cqc AS (
    INSERT INTO safeguard.organisation (kind, name, code)
    VALUES ('regulator', 'T01 Care Quality Commission', 'T01-CQC') RETURNING id)
SELECT safeguard.grant_duty('t01_inspector', 'inspector', (SELECT id FROM cqc));
INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('local_authority', 'T01 Northshire County Council', 'T01-LA-N');
});
my $la_id = $node->safe_psql('postgres',
	q{SELECT id FROM safeguard.organisation WHERE code = 'T01-LA-N'});

# One session, synchronous_commit off throughout: the audited transaction
# (reporting the WAL insert position just before its COMMIT), then the WAL
# flush position once it has committed, then the unaudited control insert and
# the same two positions around it.
my $out = $node->safe_psql(
	'postgres', qq{
SET synchronous_commit = off;
SHOW synchronous_commit;
BEGIN;
SET LOCAL ROLE t01_inspector;
SELECT safeguard.log_concern(
    received_at => now(), channel => 'phone', source => 'relative',
    description => 'T01 concern logged just before a crash.',
    risk_types => '{Neglect and Acts of Omission}', la_id => $la_id,
    referrer_name => 'Ann Jones', referrer_phone => '07700 900123',
    adult_nhs_number => '943 476 5919', adult_name => 'Mary Jones');
SELECT pg_current_wal_insert_lsn();
COMMIT;
SELECT pg_current_wal_flush_lsn();
BEGIN;
INSERT INTO plain_note VALUES (1, 'unaudited, committed asynchronously');
SELECT pg_current_wal_insert_lsn();
COMMIT;
SELECT pg_current_wal_flush_lsn();
});
my ($sync_setting, $concern_id, $audited_insert_lsn, $audited_flush_lsn,
	$plain_insert_lsn, $plain_flush_lsn) = split /\n/, $out;
is($sync_setting, 'off', 'the session runs with synchronous_commit = off');
like($concern_id, qr/^\d+$/, 'the inspector logged a concern');

# The commit record follows the last pre-commit record, so a synchronous
# commit leaves the flush position beyond it.  (An asynchronous commit may
# too, if the WAL writer happens to run: this can only fail for a real bug.)
ok( $node->safe_psql('postgres',
		"SELECT '$audited_flush_lsn'::pg_lsn > '$audited_insert_lsn'::pg_lsn") eq 't',
	"the audited commit flushed WAL past its last record ($audited_flush_lsn > $audited_insert_lsn)"
);
note("control: flush position $plain_flush_lsn after the unaudited commit, "
	  . "its last record at $plain_insert_lsn");

# Crash: no shutdown checkpoint, no final WAL write.
$node->stop('immediate');
$node->start;

is( $node->safe_psql(
		'postgres', qq{
SELECT count(*) FROM safeguard.concern
WHERE id = $concern_id AND description = 'T01 concern logged just before a crash.'
  AND adult_nhs_number = '9434765919' AND logged_by = 't01_inspector'::regrole}),
	'1',
	'the concern survived the crash');
is( $node->safe_psql(
		'postgres', qq{
SELECT count(*) FROM safeguard.audit_event
WHERE table_name = 'concern' AND row_key = '$concern_id' AND action = 'INSERT'
  AND acting_role = 't01_inspector' AND chain_key LIKE 'case:%'}),
	'1',
	'its audit row survived the crash');
is( $node->safe_psql(
		'postgres', qq{
SELECT count(*) FROM safeguard.audit_event e
JOIN safeguard.concern c ON e.case_id = c.case_id
WHERE c.id = $concern_id}),
	'3',
	'the whole case chain survived: case opened, concern logged, triage deadline set');
is($node->safe_psql('postgres', 'SELECT count(*) FROM safeguard.verify_audit()'),
	'0', 'verify_audit() finds no problem after the crash');

my $control = $node->safe_psql('postgres', 'SELECT count(*) FROM plain_note');
note($control eq '1'
	? 'control: the unaudited asynchronous insert happened to survive the crash'
	: 'control: the unaudited asynchronous insert was lost in the crash, as asynchronous commit allows');

$node->stop;
done_testing();

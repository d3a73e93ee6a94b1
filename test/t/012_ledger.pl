# The live rows proved against the audit trail (issue 14, item 14), across
# sessions and on volume.
#
# 1. The attack of the issue, exactly: a superuser disables the referral's
#    triggers by editing pg_trigger (no DDL, so the DDL guard records
#    nothing), another session flips a referral awaiting sending to "sent"
#    (no guard refuses it, no audit row is written), a third enables the
#    triggers again.  verify_audit() stays clean: the chains are intact.
#    verify_ledger(), run by an auditor, names the referral, its state,
#    what it holds and what the trail says; verify_ledger_strict() raises
#    SG404.
# 2. The other superuser route round the triggers: a COPY FROM under
#    session_replication_role = replica, which the restore procedure lets
#    through (safeguard.restoring() is true), adds a concern with no audit
#    row.  verify_ledger() finds it.
# 3. Volume: bench/volume at SCALE 0.01 (16,000 cases, about 330,000 audit
#    rows) in a database of its own.  verify_ledger() finds every row in
#    agreement with the trail, in a session whose anonymous memory (RssAnon,
#    sampled every 20 ms) stays under 64 MB: it streams like verify_audit().
#    Its speed (live rows and audit rows read per second) is printed.  A
#    deadline changed behind the triggers, the last key of the walk, is
#    found.
# 4. A dump taken at 1.3 (no BASELINE rows: the rows CREATE EXTENSION
#    installed before their audit triggers have no audit row) restored into
#    the default version by the procedure of docs/backup.md: verify_ledger()
#    names the shipped policy, ledger_baseline() records the shipped rows
#    once as found, and the ledger then verifies.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use SafeguardTest qw(backend_peak_memory);
use Test::More;

my $testdir = $ENV{TESTDIR} // '.';
my $limit_kb = 64 * 1024;

my $node = PostgreSQL::Test::Cluster->new('ledger');
$node->init;
$node->start;
$node->safe_psql('postgres', "SET client_min_messages = warning;\nCREATE EXTENSION safeguard;");

# Returns a psql error's SQLSTATE (VERBOSITY verbose), or 'none'.
sub sqlstate_of
{
	my ($db, $sql, @params) = @_;
	my ($ret, $stdout, $stderr) = $node->psql($db, "\\set VERBOSITY verbose\n" . $sql, extra_params => \@params);
	return $stderr =~ /ERROR:  ([0-9A-Z]{5}):/ ? $1 : 'none';
}

#--------------------------------------------------------------------------
# 1. The attack of the issue
#--------------------------------------------------------------------------
my ($referral, $concern) = split /\|/, $node->safe_psql('postgres', q{
SET client_min_messages = warning;
SELECT safeguard.set_clock('2024-06-03 09:00+00') IS NOT NULL AS pinned \gset
INSERT INTO safeguard.organisation (kind, name, code) VALUES
    ('regulator', 'T012 Regulator', 'T012-CQC'), ('local_authority', 'T012 Council', 'T012-LA');
SELECT id AS cqc FROM safeguard.organisation WHERE code = 'T012-CQC' \gset
SELECT id AS la FROM safeguard.organisation WHERE code = 'T012-LA' \gset
CREATE ROLE t012_insp LOGIN;
CREATE ROLE t012_auditor LOGIN;
CREATE ROLE t012_nobody LOGIN;
SELECT safeguard.grant_duty('t012_insp', 'inspector', :cqc) AS g1,
       safeguard.grant_duty('t012_auditor', 'auditor', :cqc) AS g2 \gset
SET ROLE t012_insp;
SELECT safeguard.log_concern('2024-06-03 08:00+00', 'phone', 'anonymous', 'Left alone all night.',
    '{Neglect and Acts of Omission}', la_id => :la, referrer_anonymous => true) AS c \gset
SELECT safeguard.triage_concern(:c, 'refer_to_la', 'Neglect of an adult with care needs.', true, true, true) AS r \gset
RESET ROLE;
SELECT :r || '|' || :c;
});
ok($referral, "a referral ($referral) awaits sending");
my $before = $node->safe_psql('postgres', 'SELECT count(*) FROM safeguard.audit_event');
is($node->safe_psql('postgres', 'SELECT count(*) FROM safeguard.verify_ledger()'), '0',
	'before the attack the live rows agree with the trail');

# Session 1: the triggers disabled in the catalog, no DDL.
$node->safe_psql('postgres', q{
UPDATE pg_catalog.pg_trigger SET tgenabled = 'D'
WHERE tgrelid = 'safeguard.referral'::regclass AND tgenabled = 'A'});
# Session 2: the referral flipped to sent.
my ($ret, $stdout, $stderr) = $node->psql('postgres',
	"UPDATE safeguard.referral SET state = 'sent' WHERE id = $referral AND state = 'awaiting_send'");
is($ret, 0, 'with the triggers off in pg_trigger, a new session flips the referral to sent') or diag($stderr);
# Session 3: the triggers enabled again.
$node->safe_psql('postgres', q{
UPDATE pg_catalog.pg_trigger SET tgenabled = 'A'
WHERE tgrelid = 'safeguard.referral'::regclass AND tgenabled = 'D'});

is( $node->safe_psql('postgres', qq{
SELECT (SELECT state FROM safeguard.referral WHERE id = $referral) || ' '
    || (SELECT count(*) FROM safeguard.audit_event) - $before || ' '
    || (SELECT count(*) FROM safeguard.verify_audit())}),
	'sent 0 0', 'the referral is sent, no audit row was written (not even of DDL), and verify_audit() is clean');
is( $node->safe_psql('postgres', q{
SELECT concat_ws('|', table_name, row_key, column_name, live_value, trail_value, problem)
FROM safeguard.verify_ledger()}, extra_params => [ '-U', 't012_auditor' ]),
	"referral|$referral|state|sent|awaiting_send|the row differs from the newest values its audit rows record",
	'verify_ledger(), run by the auditor, names the referral, its state, what it holds and what the trail says');
is(sqlstate_of('postgres', 'SELECT safeguard.verify_ledger_strict()', '-U', 't012_auditor'),
	'SG404', 'verify_ledger_strict() raises SG404');
is(sqlstate_of('postgres', 'SELECT * FROM safeguard.verify_ledger()', '-U', 't012_nobody'),
	'42501', 'a role without the auditor or admin duty may not run it (42501)');

# Put back as the trail says (the same way round), for what follows.
$node->safe_psql('postgres', qq{
UPDATE pg_catalog.pg_trigger SET tgenabled = 'D' WHERE tgrelid = 'safeguard.referral'::regclass AND tgenabled = 'A';
});
$node->safe_psql('postgres', "UPDATE safeguard.referral SET state = 'awaiting_send' WHERE id = $referral");
$node->safe_psql('postgres', qq{
UPDATE pg_catalog.pg_trigger SET tgenabled = 'A' WHERE tgrelid = 'safeguard.referral'::regclass AND tgenabled = 'D';
});
is($node->safe_psql('postgres', 'SELECT count(*) FROM safeguard.verify_ledger()'), '0',
	'put back as the trail says: clean again');

#--------------------------------------------------------------------------
# 2. A superuser's COPY under replica: the restore path
#--------------------------------------------------------------------------
{
	local $ENV{PGOPTIONS} = '-c session_replication_role=replica';
	($ret, $stdout, $stderr) = $node->psql('postgres', qq{
COPY safeguard.concern (received_at, channel, source, referrer_anonymous, la_id, risk_types, description) FROM STDIN;
2024-06-03 07:00:00+00	phone	anonymous	t	} . $node->safe_psql('postgres', q{SELECT id FROM safeguard.organisation WHERE code = 'T012-LA'}) . qq{	{"Financial or Material Abuse"}	Copied in behind the guards.
\\.
});
}
is($ret, 0, 'a superuser\'s COPY FROM under session_replication_role = replica adds a concern') or diag($stderr);
my $copied = $node->safe_psql('postgres', q{SELECT max(id) FROM safeguard.concern});
is( $node->safe_psql('postgres', qq{
SELECT (SELECT count(*) FROM safeguard.audit_event WHERE table_name = 'concern' AND row_key = '$copied') || ' '
    || (SELECT count(*) FROM safeguard.verify_audit())}),
	'0 0', 'with no audit row, and verify_audit() is clean');
is( $node->safe_psql('postgres', q{
SELECT concat_ws('|', table_name, primary_key, problem) FROM safeguard.verify_ledger()}),
	"concern|(id)=($copied)|the row has no audit row recording its insert",
	'verify_ledger() finds the concern no audit row records');

#--------------------------------------------------------------------------
# 3. Volume: streams in bounded memory; its speed
#--------------------------------------------------------------------------
$node->safe_psql('postgres', 'CREATE DATABASE vol');
$node->safe_psql('vol', "SET client_min_messages = warning;\nCREATE EXTENSION safeguard;");
{
	local $ENV{PGHOST} = $node->host;
	local $ENV{PGPORT} = $node->port;
	local $ENV{PGDATABASE} = 'vol';
	local $ENV{VOLUME_SCALE} = '0.01';
	command_ok([ 'bash', "$testdir/bench/volume/load.sh" ], 'bench/volume loads a decade at SCALE 0.01');
}
my $audit_rows = $node->safe_psql('vol', 'SELECT count(*) FROM safeguard.audit_event');
cmp_ok($audit_rows, '>=', 300000, "the trail holds $audit_rows audit rows");
# The live rows of every audited table.
my $live_rows = $node->safe_psql('vol', q{
SELECT sum((xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM ONLY %s', t.tgrelid::regclass),
                                                 false, true, '')))[1]::text::bigint)
FROM (SELECT DISTINCT tgrelid FROM pg_catalog.pg_trigger
      WHERE tgfoid = 'safeguard.audit_row()'::regprocedure) t});

my ($peak, $samples, $out, $err, $seconds) =
	backend_peak_memory($node, 'vol', 't012_ledger', 'SELECT count(*) FROM safeguard.verify_ledger()');
is($out, "0\n", 'verify_ledger() finds every audited row of the volume in agreement with the trail') or diag($err);
cmp_ok($samples, '>=', 5, "the backend's memory was sampled while it verified ($samples samples)");
cmp_ok($peak, '<', $limit_kb, "verify_ledger() peaks at $peak kB of anonymous memory (limit $limit_kb kB)");
my $rate = ($live_rows + $audit_rows) / ($seconds > 0 ? $seconds : 1);
note(sprintf('verify_ledger(): %d live rows and %d audit rows in %.2f s: %.0f rows/s',
	$live_rows, $audit_rows, $seconds, $rate));
diag(sprintf('verify_ledger() speed: %d live rows + %d audit rows in %.2f s (%.0f rows/s, session included)',
	$live_rows, $audit_rows, $seconds, $rate));

# The deadline the walk meets last (the greatest key text of the table): changed behind the triggers.
my $last = $node->safe_psql('vol', q{SELECT id FROM safeguard.deadline ORDER BY id::text COLLATE "C" DESC LIMIT 1});
$node->safe_psql('vol', q{
UPDATE pg_catalog.pg_trigger SET tgenabled = 'D' WHERE tgrelid = 'safeguard.deadline'::regclass AND tgenabled = 'A'});
$node->safe_psql('vol', "UPDATE safeguard.deadline SET division = 'scotland' WHERE id = $last");
$node->safe_psql('vol', q{
UPDATE pg_catalog.pg_trigger SET tgenabled = 'A' WHERE tgrelid = 'safeguard.deadline'::regclass AND tgenabled = 'D'});
is( $node->safe_psql('vol', q{
SELECT concat_ws('|', table_name, row_key, column_name, live_value, trail_value) FROM safeguard.verify_ledger()}),
	"deadline|$last|division|scotland|england-and-wales",
	'a deadline changed behind the triggers, the last key of its table, is found');

#--------------------------------------------------------------------------
# 4. A dump taken before 1.4, restored into 1.4
#--------------------------------------------------------------------------
$node->safe_psql('postgres', 'CREATE DATABASE at13');
$node->safe_psql('at13', q{
SET client_min_messages = warning;
CREATE EXTENSION safeguard VERSION '1.3';
SELECT safeguard.set_clock('2024-06-03 09:00+00') IS NOT NULL AS pinned \gset
INSERT INTO safeguard.organisation (kind, name, code) VALUES
    ('regulator', 'T012 Regulator', 'T012-CQC'), ('local_authority', 'T012 Council', 'T012-LA');
SELECT safeguard.grant_duty('t012_insp', 'inspector', (SELECT id FROM safeguard.organisation WHERE code = 'T012-CQC')) AS g \gset
SET ROLE t012_insp;
SELECT safeguard.log_concern('2024-06-03 08:00+00', 'phone', 'anonymous', 'Logged at 1.3.',
    '{Neglect and Acts of Omission}', la_id => (SELECT id FROM safeguard.organisation WHERE code = 'T012-LA'),
    referrer_anonymous => true) AS c \gset
RESET ROLE;
});
my $tmp = PostgreSQL::Test::Utils::tempdir;
$node->command_ok([ 'pg_dump', '-Fc', '-f', "$tmp/at13.dump", '-d', 'at13' ], 'pg_dump of a database at 1.3');
$node->safe_psql('postgres', 'CREATE DATABASE from13 TEMPLATE template0');
{
	local $ENV{PGOPTIONS} = '-c session_replication_role=replica';
	$node->command_ok([ 'pg_restore', '--single-transaction', '--exit-on-error', '-d', 'from13', "$tmp/at13.dump" ],
		'restored into the default version by the procedure');
}
is( $node->safe_psql('from13', q{
SELECT concat_ws('|', table_name, problem) FROM safeguard.verify_ledger()}),
	'bank_holiday|the row has no audit row recording its insert',
	'verify_ledger() names the first shipped table in name order (the calendar, audited since 1.4): the 1.3 trail holds no BASELINE rows');
cmp_ok($node->safe_psql('from13', 'SELECT safeguard.ledger_baseline()'), '>', 0,
	'ledger_baseline(), run once by a superuser, records the shipped rows as found');
is( $node->safe_psql('from13', q{
SELECT (SELECT count(*) FROM safeguard.verify_ledger()) || ' ' || (SELECT count(*) FROM safeguard.verify_audit())
    || ' ' || safeguard.ledger_baseline()}),
	'0 0 0', 'then the ledger and the chains verify, and a second baseline records nothing');

$node->stop;
done_testing();

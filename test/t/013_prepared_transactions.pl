# Locks no one can hold for ever (issue 14, item 13).
#
# A prepared transaction keeps its locks across restarts until someone
# commits or rolls it back: one that took safeguard's locks (every audited
# write takes its case's chain lock) would stall that case, or every case,
# indefinitely.  So PREPARE TRANSACTION is refused (SG802) once a
# transaction locked or wrote safeguard's rows, whoever runs it; other
# transactions, and ones that only read safeguard, prepare as before.  After
# a restart nothing of safeguard's is held and the workflow goes on.
#
# The guards exist in a session only when the library was loaded before its
# first statement: the cluster preloads it (session_preload_libraries), and a
# fresh session's first statement LOCK TABLE safeguard.referral is refused;
# in a database that preloads something else instead the same statement is not.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use SafeguardTest qw(preload_safeguard);

my $node = PostgreSQL::Test::Cluster->new('prepared');
$node->init;
preload_safeguard($node);
$node->append_conf('postgresql.conf', "max_prepared_transactions = 5\n");
$node->start;

$node->safe_psql(
	'postgres', q{
CREATE EXTENSION safeguard;
SELECT safeguard.set_clock(NULL);
INSERT INTO safeguard.organisation (kind, name, code) VALUES
    ('regulator', 'T13 Regulator', 'T13-CQC'), ('local_authority', 'T13 Council', 'T13-LA');
CREATE ROLE t13_cc LOGIN;
CREATE ROLE t13_la LOGIN;
SELECT safeguard.grant_duty('t13_cc', 'contact_centre', (SELECT id FROM safeguard.organisation WHERE code = 'T13-CQC'));
SELECT safeguard.grant_duty('t13_la', 'la_officer', (SELECT id FROM safeguard.organisation WHERE code = 'T13-LA'));
CREATE TABLE public.t13_other (x int);
GRANT ALL ON public.t13_other TO PUBLIC;
});

# Logs a concern for the council as the contact centre (SQL text).
my $log_concern = q{SELECT safeguard.log_concern(safeguard.now() - interval '1 hour', 'phone', 'anonymous',
    'T13 concern', '{Self-Neglect}', la_id => (SELECT id FROM safeguard.organisation WHERE code = 'T13-LA'),
    referrer_anonymous => true)};

# Runs sql as role in a fresh session; returns (stdout, stderr) with SQLSTATEs shown.
sub run_as
{
	my ($role, $sql, $db) = @_;
	my ($stdout, $stderr);
	$node->psql($db // 'postgres', $sql,
		stdout => \$stdout, stderr => \$stderr,
		extra_params => [ '-U', $role, '-v', 'VERBOSITY=verbose' ]);
	return ($stdout, $stderr);
}

# 1. Preloaded: a fresh session's very first statement is already guarded.
my ($out, $err) = run_as('t13_la', 'LOCK TABLE safeguard.referral IN ACCESS EXCLUSIVE MODE');
like($err, qr/ERROR:  42501: permission denied to lock safeguard\.referral/,
	'a fresh session\'s first statement LOCK TABLE safeguard.referral is refused (42501)');
($out) = run_as('t13_la', 'SELECT safeguard.preloaded()');
is($out, 't', 'safeguard.preloaded() is true in that session');
$node->safe_psql('postgres', q{
CREATE DATABASE t13_nopreload;
ALTER DATABASE t13_nopreload SET session_preload_libraries = 'plpgsql';
});
$node->safe_psql('t13_nopreload', 'CREATE EXTENSION safeguard');
($out, $err) = run_as('t13_la', 'BEGIN; LOCK TABLE safeguard.referral IN ACCESS EXCLUSIVE MODE; ROLLBACK', 't13_nopreload');
unlike($err, qr/42501/,
	'without preloading (a database that preloads only plpgsql) the same LOCK TABLE is not refused: the hooks are not there');
($out) = run_as('t13_la', 'SELECT safeguard.preloaded()', 't13_nopreload');
is($out, 'f', 'and safeguard.preloaded() says so');

# 2. PREPARE TRANSACTION after safeguard's locks: refused, rolled back.
($out, $err) = run_as('t13_cc', "BEGIN; $log_concern; PREPARE TRANSACTION 't13_audited';");
like($err, qr/ERROR:  SG802: cannot prepare a transaction that holds safeguard's locks/,
	'an audited write (it takes its chain lock) cannot be prepared (SG802)');
like($err, qr/HINT:  COMMIT instead/, 'the hint says to commit instead');
is($node->safe_psql('postgres', 'SELECT count(*) FROM pg_prepared_xacts'), '0', 'nothing was prepared');
is($node->safe_psql('postgres', q{SELECT count(*) FROM safeguard.concern WHERE description = 'T13 concern'}),
	'0', 'and the refused transaction was rolled back');

$node->safe_psql('postgres', "SET ROLE t13_cc; $log_concern; SELECT safeguard.triage_concern(max(id), 'refer_to_la', 'T13', true, true, true) FROM safeguard.concern");
my $referral = $node->safe_psql('postgres', 'SELECT max(id) FROM safeguard.referral');
($out, $err) = run_as('t13_la', "BEGIN; UPDATE safeguard.referral SET la_contact = 'desk' WHERE id = $referral; PREPARE TRANSACTION 't13_update';");
like($err, qr/SG802/, 'nor can an LA officer\'s raw UPDATE of its referral');
my $superuser = $node->safe_psql('postgres', 'SELECT current_user');
($out, $err) = run_as($superuser,
	"BEGIN; LOCK TABLE safeguard.referral IN EXCLUSIVE MODE; PREPARE TRANSACTION 't13_owner';");
like($err, qr/SG802/, 'nor a superuser\'s explicit LOCK TABLE on safeguard\'s tables');
($out, $err) = run_as($superuser, "BEGIN; SELECT id FROM safeguard.outbox FOR UPDATE SKIP LOCKED; PREPARE TRANSACTION 't13_outbox';");
like($err, qr/SG802/, 'nor an outbox consumer\'s claim');
is($node->safe_psql('postgres', 'SELECT count(*) FROM pg_prepared_xacts'), '0', 'still nothing prepared');

# Other transactions prepare as before, even after reading safeguard.
($out, $err) = run_as('t13_cc', "BEGIN; INSERT INTO public.t13_other VALUES (1); SELECT count(*) FROM safeguard.organisation; SELECT count(*) FROM safeguard.send_queue; PREPARE TRANSACTION 't13_other';");
is($err, '', 'a transaction that only reads safeguard (and writes elsewhere) prepares');
is($node->safe_psql('postgres', q{SELECT gid FROM pg_prepared_xacts}), 't13_other', 'it is prepared');

# 3. A restart: the prepared transaction survives, nothing of safeguard's is held.
$node->restart;
is($node->safe_psql('postgres', q{SELECT gid FROM pg_prepared_xacts}), 't13_other',
	'after a restart the prepared transaction is still there');
is( $node->safe_psql('postgres', q{
SELECT count(*) FROM pg_locks l JOIN pg_prepared_xacts p ON p.transaction = l.transactionid
WHERE l.locktype = 'transactionid'} ), '1', 'holding only its own transaction id');
($out, $err) = run_as('t13_cc',
	"SET lock_timeout = '5s'; SELECT safeguard.send_referral($referral, 'secure_email'); $log_concern;");
is($err, '', 'the workflow goes on at once after the restart (send, log: chain and case locks free)');
$node->safe_psql('postgres', q{COMMIT PREPARED 't13_other'});
is($node->safe_psql('postgres', 'SELECT count(*) FROM public.t13_other'), '1', 'and the other transaction commits');
is($node->safe_psql('postgres', 'SELECT count(*) FROM safeguard.verify_audit()'), '0', 'the audit chains verify');

$node->stop;
done_testing();

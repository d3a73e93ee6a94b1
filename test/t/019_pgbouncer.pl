# Pool logins behind a real pgbouncer in transaction pooling (issue 14,
# item 19).
#
# pgbouncer gives each transaction of each client whichever server
# connection is free; with one server connection (default_pool_size = 1)
# every client shares it.  A plain SET ROLE by one client therefore stays on
# that connection and the next client acts as that role: on 1.3 it sent a
# referral as the contact centre.  Once the pool's login is declared
# (safeguard.declare_pool_login), a session logged in as it acts only
# through a role set for the current transaction (SET LOCAL ROLE): the
# leaked role is refused (SG803) for the first client and every later one,
# and SET LOCAL ROLE inside each transaction works, recorded in the audit
# under the user and the pool's login.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use FindBin;
use lib $FindBin::RealBin;
use SafeguardTest qw(preload_safeguard);

my ($pgbouncer) = grep { -x $_ } ('/usr/sbin/pgbouncer', '/usr/bin/pgbouncer');
plan skip_all => 'pgbouncer is not installed (scripts/deps installs it)' unless $pgbouncer;

my $node = PostgreSQL::Test::Cluster->new('pooled');
$node->init;
preload_safeguard($node);
$node->start;

$node->safe_psql(
	'postgres', q{
CREATE EXTENSION safeguard;
INSERT INTO safeguard.organisation (kind, name, code) VALUES
    ('regulator', 'T19 Regulator', 'T19-CQC'), ('local_authority', 'T19 Council', 'T19-LA');
CREATE ROLE t19_pool LOGIN;
CREATE ROLE t19_alice;
CREATE ROLE t19_bob;
SELECT safeguard.grant_duty('t19_alice', 'contact_centre', (SELECT id FROM safeguard.organisation WHERE code = 'T19-CQC'));
SELECT safeguard.grant_duty('t19_bob', 'la_officer', (SELECT id FROM safeguard.organisation WHERE code = 'T19-LA'));
GRANT t19_alice, t19_bob TO t19_pool;
SET ROLE t19_alice;
SELECT safeguard.log_concern(safeguard.now() - interval '1 hour', 'phone', 'anonymous', 'T19 concern one',
    '{Self-Neglect}', la_id => (SELECT id FROM safeguard.organisation WHERE code = 'T19-LA'), referrer_anonymous => true);
SELECT safeguard.log_concern(safeguard.now() - interval '1 hour', 'phone', 'anonymous', 'T19 concern two',
    '{Self-Neglect}', la_id => (SELECT id FROM safeguard.organisation WHERE code = 'T19-LA'), referrer_anonymous => true);
SELECT safeguard.triage_concern(id, 'refer_to_la', 'T19', true, true, true) FROM safeguard.concern ORDER BY id;
});
my ($r1, $r2) = split /\n/, $node->safe_psql('postgres', 'SELECT id FROM safeguard.referral ORDER BY id');

# pgbouncer in front of the node: transaction pooling, one server connection.
my $dir = $node->basedir . '/pgbouncer';
mkdir $dir or die "mkdir $dir: $!";
my $port = PostgreSQL::Test::Cluster::get_free_port();
my ($pghost, $pgport) = ($node->host, $node->port);
PostgreSQL::Test::Utils::append_to_file("$dir/userlist.txt", qq{"t19_pool" ""\n});
PostgreSQL::Test::Utils::append_to_file(
	"$dir/pgbouncer.ini", qq{
[databases]
postgres = host=$pghost port=$pgport dbname=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
default_pool_size = 1
max_client_conn = 20
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
ignore_startup_parameters = extra_float_digits
});
my $bouncer = IPC::Run::start([ $pgbouncer, "$dir/pgbouncer.ini" ],
	'>', "$dir/stdout", '2>', "$dir/stderr");
END { $bouncer->kill_kill if $bouncer && $bouncer->pumpable; }

# Runs each sql, one after another, as a new client of the pool (its own
# connection to pgbouncer); returns (stdout, stderr), SQLSTATEs shown.
sub client
{
	my (@sql) = @_;
	my ($out, $err) = ('', '');
	IPC::Run::run(
		[ 'psql', '-X', '-Atq', '-v', 'VERBOSITY=verbose',
		  '-d', "host=127.0.0.1 port=$port dbname=postgres user=t19_pool", map { ('-c', $_) } @sql ],
		'>', \$out, '2>', \$err);
	chomp $out;
	return ($out, $err);
}

my $up = 0;
for (1 .. 100)
{
	my ($out) = client('SELECT 1');
	if ($out eq '1') { $up = 1; last; }
	sleep 0.2;
}
ok($up, 'pgbouncer accepts clients') or BAIL_OUT('pgbouncer did not start: ' . slurp_file("$dir/stderr"));

# 1. Undeclared, the pooler leaks: what 1.3 did.
my ($pid_a) = client('SELECT pg_backend_pid()', 'SET ROLE t19_alice');
my ($b_out, $b_err) = client('SELECT pg_backend_pid(), current_user, safeguard.current_duties()');
is($b_out, "$pid_a|t19_alice|{contact_centre}",
	'undeclared: the next client gets the same server connection and acts as the first client\'s role');
client('RESET ROLE');

# 2. Declared: only SET LOCAL ROLE acts.
$node->safe_psql('postgres', q{SELECT safeguard.declare_pool_login('t19_pool')});
my ($a_out, $a_err) = client('SET ROLE t19_alice', 'SELECT safeguard.current_duties()');
like($a_err, qr/ERROR:  SG803: pool login "t19_pool" acts only through a role set for the transaction/,
	'declared: a client that SETs ROLE for the session is refused (SG803)');
like($a_err, qr/HINT:  .*BEGIN; SET LOCAL ROLE <user>; \.\.\.; COMMIT/, 'the hint shows the pattern');

($b_out, $b_err) = client('SELECT current_user');
is($b_out, 't19_alice', 'PostgreSQL still hands the role on to the next client (the server connection keeps it)');
($b_out, $b_err) = client('SELECT safeguard.current_duties()');
like($b_err, qr/SG803/, 'but the next client cannot act as it: no duty is read (SG803)');
($b_out, $b_err) = client("SELECT safeguard.send_referral($r1, 'secure_email')");
like($b_err, qr/SG803/, 'nor send a referral as the contact centre (the attack of the campaign)');
($b_out, $b_err) = client('SELECT count(*) FROM safeguard.referral');
like($b_err, qr/SG803/, 'nor read casework: row-level security fails closed');
($b_out, $b_err) = client('RESET ROLE', 'SELECT safeguard.current_duties()');
like($b_err, qr/SG803/, 'nor act as the pool\'s login itself');

my ($c_out, $c_err) = client('BEGIN; SET LOCAL ROLE t19_bob; SELECT safeguard.current_duties(); COMMIT');
is($c_out, '{la_officer}', 'a client that sets its user\'s role for the transaction acts as that user');
($c_out, $c_err) = client("BEGIN; SET LOCAL ROLE t19_alice; SELECT safeguard.send_referral($r2, 'secure_email'); COMMIT");
is("$c_out$c_err", 'sent', 'and does casework: the contact centre sends a referral');
($c_out, $c_err) = client('SELECT current_user');
is($c_out, 't19_pool', 'nothing of it stays on the server connection for the next client');
is( $node->safe_psql('postgres', qq{
SELECT login_role || ' as ' || acting_role FROM safeguard.audit_event
WHERE table_name = 'referral' AND row_key = '$r2' AND action = 'UPDATE'}),
	't19_pool as t19_alice', 'the audit records the user and the pool\'s login');
is($node->safe_psql('postgres', "SELECT state FROM safeguard.referral WHERE id = $r1"), 'awaiting_send',
	'the referral the leaked role tried to send is still awaiting send');

$bouncer->kill_kill;
undef $bouncer;
$node->stop;
done_testing();

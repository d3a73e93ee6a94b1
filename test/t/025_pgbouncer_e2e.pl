# A referral end to end through a real pgbouncer in transaction pooling
# (issue 18, item 3).
#
# One pool login, declared with safeguard.declare_pool_login, is the only
# login the clients use; the duty roles (inspector and contact centre of the
# regulator, la_officer and integration of a council) are NOLOGIN roles it is
# a member of.  pgbouncer runs pool_mode = transaction with two server
# connections for five clients, so consecutive transactions of different users
# run on the same server connection.  Every unit of work is
# BEGIN; SET LOCAL ROLE <user>; ...; COMMIT.  The inspector logs a concern and
# triages it to a referral, the contact centre sends it, the council officer
# acknowledges and decides it; the owner sweeps with the clock moved on; the
# council's integration consumes the outbox (claim_outbox, mark_delivered).
# The test proves that no identity leaks from one client to the next, that a
# transaction without SET LOCAL ROLE is refused (SG803), that LISTEN through
# the pooler receives nothing (the outbox is the reliable channel), and that
# the audit trail records each step under the acting user, the trail verifying.
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

my $node = PostgreSQL::Test::Cluster->new('pooled_e2e');
$node->init;
preload_safeguard($node);
$node->start;

$node->safe_psql(
	'postgres', q{
CREATE EXTENSION safeguard;
INSERT INTO safeguard.organisation (kind, name, code) VALUES
    ('regulator', 'T25 Regulator', 'T25-CQC'), ('local_authority', 'T25 Council', 'T25-LA');
CREATE ROLE t25_pool LOGIN;
CREATE ROLE t25_inspector;
CREATE ROLE t25_contact;
CREATE ROLE t25_officer;
CREATE ROLE t25_relay;
SELECT safeguard.grant_duty('t25_inspector', 'inspector', (SELECT id FROM safeguard.organisation WHERE code = 'T25-CQC'));
SELECT safeguard.grant_duty('t25_contact', 'contact_centre', (SELECT id FROM safeguard.organisation WHERE code = 'T25-CQC'));
SELECT safeguard.grant_duty('t25_officer', 'la_officer', (SELECT id FROM safeguard.organisation WHERE code = 'T25-LA'));
SELECT safeguard.grant_duty('t25_relay', 'integration', (SELECT id FROM safeguard.organisation WHERE code = 'T25-LA'));
GRANT t25_inspector, t25_contact, t25_officer, t25_relay TO t25_pool;
SELECT safeguard.declare_pool_login('t25_pool');
});
my $la = $node->safe_psql('postgres', q{SELECT id FROM safeguard.organisation WHERE code = 'T25-LA'});
is( $node->safe_psql('postgres', q{SELECT string_agg(rolname || '=' || rolcanlogin, ',' ORDER BY rolname)
FROM pg_roles WHERE rolname LIKE 't25\_%'}),
	't25_contact=false,t25_inspector=false,t25_officer=false,t25_pool=true,t25_relay=false',
	'one login, the pool\'s; the four duty roles are NOLOGIN');

# pgbouncer in front of the node: transaction pooling, two server connections.
my $dir = $node->basedir . '/pgbouncer';
mkdir $dir or die "mkdir $dir: $!";
my $port = PostgreSQL::Test::Cluster::get_free_port();
my ($pghost, $pgport) = ($node->host, $node->port);
PostgreSQL::Test::Utils::append_to_file("$dir/userlist.txt", qq{"t25_pool" ""\n});
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
default_pool_size = 2
max_client_conn = 20
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
ignore_startup_parameters = extra_float_digits
});
my $bouncer = IPC::Run::start([ $pgbouncer, "$dir/pgbouncer.ini" ],
	'>', "$dir/stdout", '2>', "$dir/stderr");
my @clients;
END
{
	$_->{run}->kill_kill for grep { $_->{run}->pumpable } @clients;
	$bouncer->kill_kill if $bouncer && $bouncer->pumpable;
}

# A client that stays connected, as an application's connection does: a psql
# reading its standard input, SQLSTATEs shown.  $client->(sql) runs sql and
# returns (stdout, stderr) once psql has run it.
sub open_client
{
	my ($connstr) = @_;
	my $c = { in => '', out => '', err => '', n => 0 };
	$c->{timer} = IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default);
	$c->{run} = IPC::Run::start(
		[ 'psql', '-X', '-Atq', '-v', 'VERBOSITY=verbose', '-d', $connstr, '-f', '-' ],
		'<', \$c->{in}, '>', \$c->{out}, '2>', \$c->{err}, $c->{timer});
	push @clients, $c;
	return sub {
		my ($sql) = @_;
		my $mark = 'done ' . ++$c->{n};
		$c->{timer}->start;
		$c->{in} .= "$sql\n\\echo '$mark'\n\\warn '$mark'\n";
		$c->{run}->pump until ($c->{out} =~ /\Q$mark\E\n/ && $c->{err} =~ /\Q$mark\E\n/)
		  || $c->{timer}->is_expired;
		die "client timed out running: $sql" if $c->{timer}->is_expired;
		my ($out, $err) = ($c->{out}, $c->{err});
		($c->{out}, $c->{err}) = ('', '');
		s/\Q$mark\E\n// for $out, $err;
		chomp $out;
		return ($out, $err);
	};
}
my $pooled = "host=127.0.0.1 port=$port dbname=postgres user=t25_pool";

my $up = 0;
for (1 .. 100)
{
	my ($out) = ('', '');
	IPC::Run::run([ 'psql', '-X', '-Atq', '-d', $pooled, '-c', 'SELECT 1' ], '>', \$out, '2>', \my $err);
	if ($out =~ /^1$/m) { $up = 1; last; }
	sleep 0.2;
}
ok($up, 'pgbouncer accepts clients') or BAIL_OUT('pgbouncer did not start: ' . slurp_file("$dir/stderr"));

# Four application clients (one per user's front end) and a probe, all the
# pool's login, all through pgbouncer.
my $inspector = open_client($pooled);
my $contact = open_client($pooled);
my $officer = open_client($pooled);
my $relay = open_client($pooled);
my $probe = open_client($pooled);
my %pids;    # server connections seen by pooled transactions

# Runs one unit of work as $role through $client: BEGIN; SET LOCAL ROLE; the
# SELECT list $select (pg_backend_pid() first); COMMIT.  Returns (pid, rest of
# the row, stderr).
sub as_user
{
	my ($client, $role, $select) = @_;
	my ($out, $err) = $client->("BEGIN; SET LOCAL ROLE $role; SELECT pg_backend_pid(), $select; COMMIT;");
	my ($pid, $rest) = split /\|/, $out, 2;
	$pids{$pid} = 1 if defined $pid && $pid =~ /^\d+$/;
	return ($pid // '', $rest // '', $err);
}

# 1. The inspector logs a concern and triages it to a referral.
my ($p1, $concern, $e1) = as_user($inspector, 't25_inspector',
	qq{safeguard.log_concern(safeguard.now() - interval '1 hour', 'phone', 'anonymous', 'T25 concern',
	'{Self-Neglect}', la_id => $la, referrer_anonymous => true)});
like($concern, qr/^\d+$/, 'the inspector logs a concern through the pool') or diag($e1);

# The next client's transaction, on the server connection the inspector's
# just used, is the pool's login again.
my ($probe_out) = $probe->('SELECT pg_backend_pid(), current_user, session_user;');
is($probe_out, "$p1|t25_pool|t25_pool",
	'the next client, on the same server connection, is the pool\'s login, not the inspector');

my ($p2, $referral, $e2) = as_user($inspector, 't25_inspector',
	qq{safeguard.triage_concern($concern, 'refer_to_la', 'T25: refer', true, true, true)});
like($referral, qr/^\d+$/, 'the inspector triages it to a referral') or diag($e2);

# A transaction without SET LOCAL ROLE is refused, whichever client runs it.
my ($o, $e) = $officer->("BEGIN; SELECT safeguard.acknowledge_referral($referral); COMMIT;");
like($e, qr/ERROR:  SG803:/, 'a transaction without SET LOCAL ROLE is refused (SG803)');
($o, $e) = $contact->("SELECT safeguard.send_referral($referral, 'secure_email');");
like($e, qr/ERROR:  SG803:/, 'as is a statement outside any transaction block (SG803)');
($o, $e) = $probe->('SELECT count(*) FROM safeguard.referral;');
like($e, qr/ERROR:  SG803:/, 'and reading casework as the pool\'s login fails closed (SG803)');

# 2. The contact centre sends it, on the server connection the inspector used.
my ($p3, $sent, $e3) = as_user($contact, 't25_contact', qq{safeguard.send_referral($referral, 'secure_email')});
is($sent, 'sent', 'the contact centre sends the referral') or diag($e3);
is($p3, $p2, 'on the same server connection as the inspector\'s transaction just before');
($probe_out) = $probe->('SELECT pg_backend_pid(), current_user;');
is($probe_out, "$p3|t25_pool", 'after it the next client is the pool\'s login');

# 3. The council officer acknowledges and decides it, interleaved with the
# other clients' transactions.
my ($p4, $ack, $e4) = as_user($officer, 't25_officer', qq{safeguard.acknowledge_referral($referral, la_reference => 'T25-REF')});
is($ack, 'acknowledged', 'the council officer acknowledges it') or diag($e4);
is($p4, $p3, 'on the same server connection as the contact centre\'s transaction just before');
my ($p5, $dup, $e5) = as_user($contact, 't25_contact', 'safeguard.current_duties()');
is("$p5|$dup", "$p4|{contact_centre}", 'the contact centre next, on that connection, acts as itself only');
my ($p6, $dec, $e6) = as_user($officer, 't25_officer',
	qq{safeguard.decide_referral($referral, 'section_42_enquiry', 'T25: a section 42 enquiry')});
is($dec, 'decided', 'the council officer decides it: a section 42 enquiry') or diag($e6);
is($node->safe_psql('postgres', "SELECT state FROM safeguard.referral WHERE id = $referral"),
	'decided', 'the referral is decided');

my ($p7, $who, $e7) = as_user($relay, 't25_relay', 'current_user, safeguard.current_duties()');
is($who, 't25_relay|{integration}', 'the integration client acts as its role only');
ok(keys(%pids) <= 2, 'five clients, their transactions on at most two server connections ('
	  . join(',', sort keys %pids) . ')');

# 4. LISTEN through the pooler, and directly.
my ($p_listen, $none, $e_listen) = as_user($relay, 't25_relay', q{'listening'; LISTEN safeguard_deadline});
is("$none$e_listen", 'listening', 'LISTEN through the pooler is accepted');
($probe_out) = $probe->('SELECT pg_backend_pid(), pg_listening_channels();');
is($probe_out, "$p_listen|safeguard_deadline",
	'but it stays on the server connection: the next client, there, is the one listening');
my $direct = open_client($node->connstr('postgres'));
($o, $e) = $direct->('LISTEN safeguard_deadline;');
is($e, '', 'a direct connection LISTENs too');

# The owner sweeps, directly, with the clock moved on past the outcome deadline.
my $fired = $node->safe_psql('postgres',
	q{SELECT safeguard.set_clock(now() + interval '120 days') IS NOT NULL; SELECT safeguard.sweep();});
$fired = (split /\n/, $fired)[-1];
cmp_ok($fired, '>', 0, "the sweep fires the referral's overdue rungs ($fired)");
my $expected = $node->safe_psql('postgres',
	"SELECT string_agg(id::text, ',' ORDER BY id) FROM safeguard.outbox WHERE organisation_id = $la AND delivered_at IS NULL");
isnt($expected, '', 'the council has undelivered outbox rows');

($o, $e) = $direct->('SELECT 1;');
like($o, qr/Asynchronous notification "safeguard_deadline" received/,
	'the direct listener receives the NOTIFY');
($o, $e) = $relay->('BEGIN; SET LOCAL ROLE t25_relay; SELECT 1; COMMIT;');
unlike("$o$e", qr/Asynchronous notification/,
	'the client that LISTENed through transaction pooling does not receive it');
($o, $e) = $probe->('SELECT 1;');
unlike("$o$e", qr/Asynchronous notification/, 'nor does any other client of the pool');

# 5. The council's integration consumes the outbox through the pooler.
my ($p8, $claimed, $e8) = as_user($relay, 't25_relay',
	q{(SELECT string_agg(id::text, ',' ORDER BY id) FROM safeguard.claim_outbox(100))});
is($claimed, $expected, 'the integration claims the council\'s undelivered rows') or diag($e8);
my ($p9, $marked, $e9) = as_user($relay, 't25_relay', qq{safeguard.mark_delivered('{$claimed}')});
is($marked, scalar(split /,/, $expected), 'and marks them delivered') or diag($e9);
my ($p10, $left, $e10) = as_user($relay, 't25_relay', '(SELECT count(*) FROM safeguard.claim_outbox(100))');
is($left, '0', 'nothing is left to claim');
($o, $e) = $relay->("BEGIN; SET LOCAL ROLE t25_relay; SELECT count(*) FROM safeguard.referral; COMMIT;");
like($e, qr/ERROR:  42501:/, 'the integration reads no casework through the pool either (42501)');

# 6. The audit trail: each step under the acting user, not the pool's login.
# (A triage's key is its concern's id.)
is( $node->safe_psql('postgres', qq{
SELECT string_agg(coalesce(to_state, action) || ' by ' || acting_role || ' via ' || login_role, '; ' ORDER BY id)
FROM safeguard.audit_event WHERE table_name = 'referral' AND row_key = '$referral'}),
	'awaiting_send by t25_inspector via t25_pool; sent by t25_contact via t25_pool; '
	  . 'acknowledged by t25_officer via t25_pool; decided by t25_officer via t25_pool',
	'the referral\'s audit: each step by its user, through the pool\'s login');
is( $node->safe_psql('postgres', qq{
SELECT string_agg(table_name || ' ' || action || ' by ' || acting_role, '; ' ORDER BY id)
FROM safeguard.audit_event WHERE table_name IN ('concern', 'triage') AND row_key = '$concern'}),
	"concern INSERT by t25_inspector; triage INSERT by t25_inspector",
	'the concern and its triage: by the inspector');
is( $node->safe_psql('postgres', qq{
SELECT string_agg(DISTINCT delivered_by, ',') FROM safeguard.outbox WHERE id IN ($expected)}),
	't25_relay', 'the outbox rows record the integration role as their deliverer');
is($node->safe_psql('postgres', q{SELECT count(*) FROM safeguard.audit_event
WHERE login_role = 't25_pool' AND acting_role = 't25_pool'}),
	'0', 'no audited change was made as the pool\'s login itself');
is($node->safe_psql('postgres', 'SELECT count(*) FROM safeguard.verify_audit()'), '0',
	'verify_audit() finds nothing wrong');

$_->{in} .= "\\q\n", $_->{run}->finish for @clients;
@clients = ();
$bouncer->kill_kill;
undef $bouncer;
$node->stop;
done_testing();

# The deadline sweeper background worker: it starts with the server when
# safeguard is preloaded, waits quietly (one log line) while the extension is
# not installed, takes a new sweep interval on reload, fires due rungs on its
# own, survives a failing sweep, and is restarted after being terminated;
# safeguard.sweep_health shows its sweeps and its failed sweep (issue 19).
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('worker');
$node->init;
# An hour between sweeps, so only the reload below can make it sweep soon.
$node->append_conf(
	'postgresql.conf', q{
shared_preload_libraries = 'safeguard'
safeguard.sweep_interval = 3600
});
$node->start;

my $worker_pid = q{SELECT pid FROM pg_stat_activity
	WHERE backend_type OPERATOR(pg_catalog.=) 'safeguard deadline sweeper'};

ok($node->poll_query_until('postgres', "SELECT count(*) = 1 FROM ($worker_pid) w"),
	'the sweeper runs');
$node->wait_for_log(qr/extension "safeguard" is not installed in database "postgres"/);

# The extension arrives; the next sweep is an hour away until the reload.
$node->safe_psql(
	'postgres', q{
SET client_min_messages = warning;
CREATE EXTENSION safeguard;
CREATE ROLE t02_inspector LOGIN;
});
my $offset = -s $node->logfile;
$node->append_conf('postgresql.conf', 'safeguard.sweep_interval = 1');
$node->reload;
is($node->safe_psql('postgres', 'SHOW safeguard.sweep_interval'), '1s', 'reload took the interval');
$node->wait_for_log(qr/deadline sweeper is sweeping database "postgres"/, $offset);
pass('the new interval applies at once');

my $log = slurp_file($node->logfile);
my $waiting = () = $log =~ /is not installed in database/g;
is($waiting, 1, 'a missing extension is logged once, not per sweep');

# A concern logged long ago: every rung of its triage deadline is due.
$offset = -s $node->logfile;
$node->safe_psql(
	'postgres', q{
WITH cqc AS (
    INSERT INTO safeguard.organisation (kind, name, code)
    VALUES ('regulator', 'T02 Regulator', 'T02-CQC') RETURNING id)
SELECT safeguard.grant_duty('t02_inspector', 'inspector', (SELECT id FROM cqc));
INSERT INTO safeguard.organisation (kind, name, code, senior_contact_name, senior_contact_email)
VALUES ('local_authority', 'T02 Council', 'T02-LA', 'Dana Head', 'dana.head@t02.example');
SET ROLE t02_inspector;
SELECT safeguard.log_concern('2026-04-02 09:00+00', 'phone', 'relative',
    'Bruises noticed at a visit.', '{Physical Abuse}',
    la_id => (SELECT id FROM safeguard.organisation WHERE code = 'T02-LA'),
    referrer_name => 'Sam Relative', referrer_phone => '01234 567890');
});
ok( $node->poll_query_until(
		'postgres', 'SELECT count(*) = 3 FROM safeguard.deadline_alert'),
	'the worker fired due_soon, breach and escalate on its own');
$node->wait_for_log(qr/safeguard: sweep fired 3 rungs/, $offset);
# The sweeper's health (issue 19): every sweep records itself.
ok( $node->poll_query_until(
		'postgres', q{SELECT rungs_fired = 3 AND last_finished_at >= last_started_at
	AND due_deadlines = 0 AND last_error_at IS NULL FROM safeguard.sweep_health}),
	'sweep_health shows the sweeps, the 3 rungs fired, no backlog and no failure');

# A sweep that fails (here: cancelled while it waits for a lock on the
# schedule, which every sweep reads) is logged, rolled back and recorded in
# sweep_health; the same worker carries on.
my $pid = $node->safe_psql('postgres', $worker_pid);
$offset = -s $node->logfile;
my $locker = $node->background_psql('postgres');
$locker->query_safe('BEGIN; LOCK TABLE safeguard.deadline_schedule IN ACCESS EXCLUSIVE MODE');
ok( $node->poll_query_until(
		'postgres', "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $pid"),
	'a sweep waits for the lock');
$node->safe_psql('postgres', "SELECT pg_cancel_backend($pid)");
$node->wait_for_log(qr/deadline sweep failed and was rolled back/, $offset);
$locker->query_safe('COMMIT');
$locker->quit;
is($node->safe_psql('postgres', $worker_pid), $pid, 'a failed sweep does not end the worker');
ok( $node->poll_query_until(
		'postgres', q{SELECT last_error_sqlstate = '57014' AND last_error <> '' AND last_error_at IS NOT NULL
	FROM safeguard.sweep_health}),
	'sweep_health shows the failed sweep: when, its SQLSTATE (57014, cancelled) and its message');
ok( $node->poll_query_until(
		'postgres', q{SELECT last_finished_at > last_error_at FROM safeguard.sweep_health}),
	'and then the sweep that succeeded after it');

# Terminated, it is started again after bgw_restart_time (10 s).
$node->safe_psql('postgres', "SELECT pg_terminate_backend($pid)");
ok( $node->poll_query_until(
		'postgres', "SELECT count(*) = 1 FROM ($worker_pid) w WHERE pid <> $pid"),
	'a terminated worker is restarted');

$node->stop;
done_testing();

# A crash in the middle of sweeping: the server stops with 'immediate' (every
# backend killed, no shutdown checkpoint, as after a power cut) while the
# worker is draining a backlog of due rungs.  Crash recovery keeps the sweeps
# that committed and nothing of the one in progress; after the restart the
# worker finishes the backlog, every rung has fired exactly once, with one
# outbox row and one audit row, and the audit chains verify.  The sweep's
# schedule (issue 19) survives the crash as the committed sweeps left it: a
# rebuild from the deadlines finds nothing to change, after recovery and at
# the end.
#
# The backlog: 2000 concerns received 30 days ago by the real clock, so
# all three rungs (due_soon, breach, escalate) of each triage deadline are
# due.  sweep() fires at most 1000 rungs per call, each worker sweep is a
# transaction of its own, and the worker sweeps again at once while a sweep
# fired anything: the alerts grow in whole steps of 1000, a few hundred
# milliseconds apart.  The stop comes while the second sweep is writing, and
# the node first restarts without the worker to see what survived the crash.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $concerns = 2000;
my $rungs = 3 * $concerns;
my $batch = 1000;    # sweep()'s default max_rungs, what the worker fires per sweep

my $node = PostgreSQL::Test::Cluster->new('crash');
$node->init;
# An hour between sweeps, so the worker sweeps only after the reload below.
$node->append_conf(
	'postgresql.conf', q{
shared_preload_libraries = 'safeguard'
safeguard.sweep_interval = 3600
});
$node->start;

my $worker = q{SELECT pid FROM pg_stat_activity
	WHERE backend_type OPERATOR(pg_catalog.=) 'safeguard deadline sweeper'};
ok($node->poll_query_until('postgres', "SELECT count(*) = 1 FROM ($worker) w"),
	'the sweeper runs');
$node->wait_for_log(qr/extension "safeguard" is not installed in database "postgres"/);

my $start = time;
$node->safe_psql(
	'postgres', qq{
SET client_min_messages = warning;
CREATE EXTENSION safeguard;
CREATE ROLE t04_inspector LOGIN;
WITH cqc AS (
    INSERT INTO safeguard.organisation (kind, name, code)
    VALUES ('regulator', 'T04 Regulator', 'T04-CQC') RETURNING id)
SELECT safeguard.grant_duty('t04_inspector', 'inspector', (SELECT id FROM cqc));
INSERT INTO safeguard.organisation (kind, name, code, senior_contact_name, senior_contact_email)
VALUES ('local_authority', 'T04 Council', 'T04-LA', 'Dana Head', 'dana.head\@t04.example');
SET ROLE t04_inspector;
SELECT count(safeguard.log_concern(now() - interval '30 days', 'phone', 'relative',
    'Bruises noticed at a visit (' || i || ').', '{Physical Abuse}',
    la_id => (SELECT id FROM safeguard.organisation WHERE code = 'T04-LA'),
    referrer_name => 'Sam Relative', referrer_phone => '01234 567890'))
FROM generate_series(1, $concerns) AS i;
});
note sprintf('%d concerns logged in %.1f s', $concerns, time - $start);
# Five working days after the due day are at most two weeks, holidays included.
is( $node->safe_psql(
		'postgres', q{SELECT count(*) || ' ' || count(*) FILTER (WHERE due_at < now() - interval '14 days')
	FROM safeguard.open_deadlines WHERE subject_table = 'concern' AND kind = 'triage'}),
	"$concerns $concerns",
	'every concern has a triage deadline that fell due more than two weeks ago');
is($node->safe_psql('postgres', 'SELECT count(*) FROM safeguard.deadline_alert'),
	'0', 'nothing has fired yet');

# Consistency of what has fired, however much: per rung claimed (in an alert,
# an outbox row or an audit row of an alert), the counts "alerts outbox
# audit"; returns the number of claimed rungs and of those whose counts are
# not "1 1 1" (fired twice, or half-fired).
my $fired = q{SELECT count(*) || ' ' || count(*) FILTER (WHERE n IS DISTINCT FROM '1 1 1') FROM (
	SELECT coalesce(a.n, 0) || ' ' || coalesce(o.n, 0) || ' ' || coalesce(e.n, 0) AS n
	FROM (SELECT deadline_id::text AS deadline_id, rung::text AS rung, count(*) AS n
	    FROM safeguard.deadline_alert GROUP BY 1, 2) a
	FULL JOIN (SELECT payload->>'deadline_id' AS deadline_id, payload->>'rung' AS rung, count(*) AS n
	    FROM safeguard.outbox GROUP BY 1, 2) o USING (deadline_id, rung)
	FULL JOIN (SELECT changes->>'deadline_id' AS deadline_id, changes->>'rung' AS rung, count(*) AS n
	    FROM safeguard.audit_event WHERE table_name = 'deadline_alert' AND action = 'INSERT'
	    GROUP BY 1, 2) e USING (deadline_id, rung)) p};

# Sweep now.  Once the first sweep has committed the worker is at once in
# the next one; as soon as that one has written (it has a transaction id),
# stop.
my $offset = -s $node->logfile;
$node->append_conf('postgresql.conf', 'safeguard.sweep_interval = 1');
$node->reload;
$node->wait_for_log(qr/safeguard: sweep fired $batch rungs/, $offset);
my ($xid, $seen);
my $deadline = time + $PostgreSQL::Test::Utils::timeout_default;
while (time < $deadline)
{
	# The worker's transaction id, and the alerts committed, at one instant.
	($xid, $seen) = split /\|/,
	  $node->safe_psql(
		'postgres', q{SELECT w.backend_xid, (SELECT count(*) FROM safeguard.deadline_alert)
	FROM pg_stat_activity w
	WHERE w.backend_type OPERATOR(pg_catalog.=) 'safeguard deadline sweeper'
	  AND w.state = 'active' AND w.backend_xid IS NOT NULL});
	last if defined $seen;
}
ok(defined $seen, 'the worker is writing in a sweep');
$start = time;
$node->stop('immediate');
my $sweeps_before = () = substr(slurp_file($node->logfile), $offset) =~ /sweep fired \d+ rungs/g;

# Restart without the worker, to see exactly what survived the crash.
$node->append_conf('postgresql.conf', 'safeguard.enable_worker = off');
$node->start;
$node->wait_for_log(qr/database system was not properly shut down/, $offset);
is( $node->safe_psql(
		'postgres', q{SELECT count(*) FROM pg_stat_activity
	WHERE backend_type OPERATOR(pg_catalog.=) 'safeguard deadline sweeper'}),
	'0',
	'restarted without the worker');
my $at_stop = $node->safe_psql('postgres', 'SELECT count(*) FROM safeguard.deadline_alert');
note "alerts committed at the stop: $at_stop of $rungs ($sweeps_before sweep(s) logged; "
  . "$seen seen just before the stop)";
ok($at_stop > 0 && $at_stop < $rungs, 'the stop came in the middle of the backlog');
is($at_stop % $batch, 0, 'only whole sweeps survived the crash');
# The sweep seen writing was cut off (aborted by the crash, or even lost
# with WAL never flushed: its xid is then past the next one to assign) and
# none of its alerts remain; or, if the stop came a moment too late, it had
# just committed its whole batch.  Asked before anything here takes a
# transaction id, which could reuse a lost one.
my ($status, $from_xid) = split /\|/,
  $node->safe_psql(
	'postgres', qq{SELECT CASE
	WHEN '$xid'::xid8 >= pg_snapshot_xmax(pg_current_snapshot()) THEN 'lost'
	ELSE pg_xact_status('$xid') END,
	(SELECT count(*) FROM safeguard.deadline_alert WHERE xmin = '$xid')});
note "the sweep seen writing (xid $xid) is $status after recovery, with $from_xid alerts";
ok( ($status =~ /^(aborted|lost)$/ && $from_xid == 0)
	  || ($status eq 'committed' && $from_xid == $batch),
	'the sweep in progress at the stop left nothing behind');
is($node->safe_psql('postgres', $fired),
	"$at_stop 0", 'each rung fired so far has one alert, one outbox row and one audit row');
is($node->safe_psql('postgres', 'SELECT count(*) FROM safeguard.verify_audit()'),
	'0', 'the audit chains verify after crash recovery');
# The sweep's schedule (issue 19) moved with the sweeps that committed and nothing else:
# recomputed from scratch it is the same.
is($node->safe_psql('postgres', 'SELECT safeguard.rebuild_deadline_schedule()'),
	'0', 'the schedule after crash recovery is the schedule recomputed from the deadlines');
is( $node->safe_psql(
		'postgres', q{SELECT count(*) FROM safeguard.deadline_schedule
	WHERE next_fire_at IS NOT NULL}),
	$concerns - int($at_stop / 3), 'the deadlines with rungs left are the ones the schedule still has due');

# With the worker back, it drains the rest of the backlog.
$node->append_conf('postgresql.conf', 'safeguard.enable_worker = on');
$node->restart;
ok( $node->poll_query_until(
		'postgres', "SELECT count(*) >= $rungs FROM safeguard.deadline_alert"),
	'after the restart the worker finishes the backlog');
note sprintf('backlog finished %.1f s after the crash', time - $start);

is( $node->safe_psql(
		'postgres', q{SELECT count(*) FROM safeguard.deadline d
	CROSS JOIN unnest(enum_range(NULL::safeguard.alert_rung)) AS r (rung)
	WHERE d.subject_table = 'concern' AND d.kind = 'triage'
	  AND (SELECT count(*) FROM safeguard.deadline_alert a
	    WHERE a.deadline_id = d.id AND a.rung = r.rung) <> 1}),
	'0',
	'each rung of each triage deadline fired exactly once');
is($node->safe_psql('postgres', 'SELECT count(*) FROM safeguard.deadline_alert'),
	$rungs, "$rungs alerts in all");
is($node->safe_psql('postgres', $fired),
	"$rungs 0", 'each rung has one alert, one outbox row and one audit row');
is($node->safe_psql('postgres', 'SELECT count(*) FROM safeguard.verify_audit()'),
	'0', 'the audit chains verify');
is( $node->safe_psql(
		'postgres', q{SELECT count(*), count(next_fire_at), sum(uncomputable) FROM safeguard.deadline_schedule}),
	"$concerns|0|0", 'every deadline stays open in the schedule with no rung left to fire');
is($node->safe_psql('postgres', 'SELECT safeguard.rebuild_deadline_schedule()'),
	'0', 'and the schedule is the schedule recomputed from the deadlines');

$node->stop;
done_testing();

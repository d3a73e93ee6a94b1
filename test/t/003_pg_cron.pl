# Sweeping from pg_cron, for installations that do not list safeguard in
# shared_preload_libraries and so have no background worker (sessions still
# load it first, session_preload_libraries, as deployments do): cron jobs
# call safeguard.sweep(), and each rung of an overdue deadline fires exactly
# once, with one outbox row, and each sweep that fires rungs sends one
# NOTIFY without payload, however many cron runs follow.
#
# A cron job's session cannot pin safeguard.now() (set_clock is per
# session), so the concern is logged 30 days in the past with the real
# clock: its triage deadline fell due weeks ago and all three rungs (due_soon,
# breach, escalate five working days after the due day) are due.
#
# pg_cron 1.5 and later accept '1 seconds' schedules; older releases (the
# Debian bookworm package is 1.4) only whole minutes, so the first run may be
# up to a minute away.  To see several runs within that minute, three jobs
# sweep on the same schedule and race each other; with a seconds schedule
# each job also runs again after the rungs have fired.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use SafeguardTest qw(preload_safeguard);

my $node = PostgreSQL::Test::Cluster->new('pg_cron');
$node->init;
preload_safeguard($node);
# Cron jobs connect over the node's Unix socket, as the role that scheduled them.
my $socket_dir = $node->host;
$node->append_conf(
	'postgresql.conf', qq{
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
cron.host = '$socket_dir'
});
$node->start;

is($node->safe_psql('postgres', 'SHOW shared_preload_libraries'),
	'pg_cron', 'only pg_cron is in shared_preload_libraries');
is( $node->safe_psql(
		'postgres', q{SELECT count(*) FROM pg_stat_activity
	WHERE backend_type OPERATOR(pg_catalog.=) 'safeguard deadline sweeper'}),
	'0',
	'no safeguard background worker runs');

$node->safe_psql(
	'postgres', q{
SET client_min_messages = warning;
CREATE EXTENSION pg_cron;
CREATE EXTENSION safeguard;
CREATE ROLE t03_inspector LOGIN;
});
my $cron_version =
  $node->safe_psql('postgres', q{SELECT extversion FROM pg_extension WHERE extname = 'pg_cron'});
my ($major, $minor) = $cron_version =~ /^(\d+)\.(\d+)/
  or BAIL_OUT("unexpected pg_cron version '$cron_version'");
my $seconds = $major > 1 || ($major == 1 && $minor >= 5);
my $schedule = $seconds ? '1 seconds' : '* * * * *';
# With a seconds schedule every job runs again after the rungs fired.
my $runs_each = $seconds ? 3 : 1;
note "pg_cron $cron_version: schedule '$schedule', waiting for $runs_each run(s) per job";

# A concern received 30 days ago: every rung of its triage deadline is due.
my $concern = $node->safe_psql(
	'postgres', q{
WITH cqc AS (
    INSERT INTO safeguard.organisation (kind, name, code)
    VALUES ('regulator', 'T03 Regulator', 'T03-CQC') RETURNING id)
SELECT safeguard.grant_duty('t03_inspector', 'inspector', (SELECT id FROM cqc)) IS NOT NULL;
INSERT INTO safeguard.organisation (kind, name, code, senior_contact_name, senior_contact_email)
VALUES ('local_authority', 'T03 Council', 'T03-LA', 'Dana Head', 'dana.head@t03.example');
SET ROLE t03_inspector;
SELECT safeguard.log_concern(now() - interval '30 days', 'phone', 'relative',
    'Bruises noticed at a visit.', '{Physical Abuse}',
    la_id => (SELECT id FROM safeguard.organisation WHERE code = 'T03-LA'),
    referrer_name => 'Sam Relative', referrer_phone => '01234 567890');
});
($concern) = $concern =~ /(\d+)\s*\z/ or BAIL_OUT('log_concern returned no id');
# Five working days after the due day are at most two weeks, holidays included.
is( $node->safe_psql(
		'postgres', qq{SELECT kind || ' ' || (due_at < now() - interval '14 days')
	FROM safeguard.open_deadlines
	WHERE subject_table = 'concern' AND subject_id = $concern}),
	'triage true',
	'the triage deadline fell due more than two weeks ago');
is($node->safe_psql('postgres', 'SELECT count(*) FROM safeguard.deadline_alert'),
	'0', 'nothing has fired yet');

# A client listening on the channel the sweep notifies.
my $listener = $node->background_psql('postgres');
$listener->query_safe('LISTEN safeguard_deadline');

my $start = time;
my @jobs = ('safeguard-sweep', 'safeguard-sweep-2', 'safeguard-sweep-3');
my @job_ids;
for my $job (@jobs)
{
	push @job_ids,
	  $node->safe_psql('postgres',
		qq{SELECT cron.schedule('$job', '$schedule', 'SELECT safeguard.sweep()')});
}
# The jobs' runs, by job id: the run details outlive cron.unschedule().
my $job_list = join(', ', @job_ids);
my $runs = qq{SELECT jobid, status, return_message, start_time, end_time
	FROM cron.job_run_details WHERE jobid IN ($job_list)};

ok( $node->poll_query_until(
		'postgres', 'SELECT count(*) = 3 FROM safeguard.deadline_alert'),
	'cron runs fired due_soon, breach and escalate');
note sprintf('first alerts after %d s', time - $start);

# Every job has finished $runs_each run(s); all but the first to claim a rung
# found it claimed and fired nothing.
ok( $node->poll_query_until(
		'postgres', qq{SELECT count(*) = 3 FROM (
	SELECT jobid FROM ($runs) r WHERE status IN ('succeeded', 'failed')
	GROUP BY jobid HAVING count(*) >= $runs_each) j}),
	"each of the three jobs ran $runs_each time(s)");
note sprintf('cron runs done after %d s', time - $start);

$node->safe_psql('postgres', qq{SELECT cron.unschedule($_)}) for @job_ids;
is($node->safe_psql('postgres', qq{SELECT count(*) FROM cron.job WHERE jobid IN ($job_list)}),
	'0', 'the jobs are unscheduled');
# A run that started before the jobs were unscheduled still ends.
ok( $node->poll_query_until(
		'postgres', qq{SELECT count(*) = 0 FROM ($runs) r
	WHERE status NOT IN ('succeeded', 'failed')}),
	'no cron run is still going');
is( $node->safe_psql(
		'postgres', qq{SELECT coalesce(string_agg(return_message, '; '), '')
	FROM ($runs) r WHERE status = 'failed'}),
	'',
	'no cron run failed');
note 'cron runs (job, start, end, status): ',
  $node->safe_psql('postgres',
	qq{SELECT string_agg(jobid || ' ' || start_time::time(0) || ' ' || end_time::time(3) || ' ' || status,
	'; ' ORDER BY start_time, jobid) FROM ($runs) r});

# Exactly once each: one alert, one outbox row, one audit row per rung.
is( $node->safe_psql(
		'postgres', qq{SELECT string_agg(r.rung || ' ' || (SELECT count(*) FROM safeguard.deadline_alert a
	    WHERE a.subject_table = 'concern' AND a.subject_id = $concern AND a.rung = r.rung)
	  || ' ' || (SELECT count(*) FROM safeguard.outbox o
	    WHERE o.payload->>'subject_table' = 'concern'
	      AND (o.payload->>'subject_id')::bigint = $concern AND o.payload->>'rung' = r.rung::text)
	  || ' ' || (SELECT count(*) FROM safeguard.audit_event e
	    WHERE e.table_name = 'deadline_alert' AND e.action = 'INSERT'
	      AND e.changes->>'subject_table' = 'concern'
	      AND (e.changes->>'subject_id')::bigint = $concern AND e.changes->>'rung' = r.rung::text),
	  ', ' ORDER BY r.rung)
	FROM unnest(enum_range(NULL::safeguard.alert_rung)) AS r (rung)}),
	'due_soon 1 1 1, breach 1 1 1, escalate 1 1 1',
	'each rung fired once: one alert, one outbox row, one audit row');
is( $node->safe_psql(
		'postgres', q{SELECT count(*) FROM safeguard.deadline_alert
	WHERE fire_at > fired_at OR fired_at > now()}),
	'0',
	'no rung fired before its instant');
# The listener was woken once per transaction that fired rungs (identical
# notifications of a transaction are delivered once), and no more: later runs
# notified nothing.  Any role may LISTEN, so the notification says nothing
# (since 1.4): what fired is read from the outbox.
my $notified = $listener->query_safe('SELECT 1');
my @payloads;
# (psql shows a payload only when there is one)
while ($notified =~
	/^Asynchronous notification "safeguard_deadline"(?: with payload "(.*)")? received from server process/mg)
{
	push @payloads, $1 // '';
}
my $firing_xacts = $node->safe_psql(
	'postgres', q{SELECT count(DISTINCT txid) FROM safeguard.audit_event
	WHERE table_name = 'deadline_alert' AND action = 'INSERT'});
is(scalar(@payloads), $firing_xacts, "one NOTIFY per sweep that fired rungs ($firing_xacts)");
is(join('|', grep { $_ ne '' } @payloads), '', 'every NOTIFY has an empty payload');
$listener->quit;

my $log = slurp_file($node->logfile);
unlike($log, qr/ERROR:.*safeguard|safeguard.*ERROR:/, 'no safeguard error in the server log');

$node->stop;
done_testing();

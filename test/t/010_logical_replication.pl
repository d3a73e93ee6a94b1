# Logical replication of casework to a reporting warehouse.
#
# A publisher runs safeguard with casework from the seeded generator and
# publishes the tables a warehouse needs.  A second cluster, the warehouse,
# has the extension installed too (its types, functions and report views),
# prepared as docs/scaling.md describes:
#   - the login roles named in regrole columns exist (logical replication
#     sends a regrole as the role's name, and the warehouse reads it back);
#   - safeguard's triggers on the replicated tables fire in the ordinary
#     (origin) mode instead of ALWAYS: the apply worker runs with
#     session_replication_role = replica, so it skips them, while local
#     sessions on the warehouse still meet every guard;
#   - the audit rows its own CREATE EXTENSION wrote are removed, so the
#     publisher's chains arrive into an empty audit_event.
# The test checks: initial sync plus changes made while the subscription
# starts (inserts and transitions, a sweep, a seal), every published table
# equal row for row, the audit trail verifying on the warehouse (chains and
# a digest taken on the publisher), every report view and the SAC return
# equal, for a superuser and for a local authority's reader, local guards
# still refusing writes on the warehouse, tampering still detected, and a
# row naming a role the warehouse lacks holding the apply up until it exists.
# Beside it, a warehouse database with the extension left as installed
# shows why the preparation is needed: its ALWAYS triggers fire under the
# apply worker and refuse the replicated rows.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use SafeguardTest qw(preload_safeguard);

my @tables = qw(organisation duty_grant safeguarding_case concern triage referral
  deadline deadline_alert deadline_pause provider_enquiry commissioning_decision
  audit_event audit_seal audit_seal_head);
my @views = qw(report_indicator_events report_indicators report_kpi report_send_queue
  report_la_outcomes_outstanding report_unallocated report_feedback
  report_repeat_concerns report_provider_enquiries report_data_quality
  referral_pseudonymised open_deadlines);
my $as_of = '2025-11-03 12:00+00';    # the generator replays up to here
my $report_at = '2025-11-05 12:00+00';  # reports are read at this instant

my $pub = PostgreSQL::Test::Cluster->new('publisher');
$pub->init(allows_streaming => 'logical');
preload_safeguard($pub);
$pub->append_conf('postgresql.conf', "max_replication_slots = 10\nmax_wal_senders = 10\n");
$pub->start;

my $wh = PostgreSQL::Test::Cluster->new('warehouse');
$wh->init;
preload_safeguard($wh);
$wh->append_conf(
	'postgresql.conf', q{
log_line_prefix = '%m [%p] %e '
max_sync_workers_per_subscription = 4
wal_retrieve_retry_interval = 500ms
});
$wh->start;

# Casework on the publisher: the generator's organisations, people and a
# plan replayed through the real workflow.
$pub->safe_psql('postgres', 'CREATE DATABASE casework');
$pub->safe_psql('casework',
	"SET client_min_messages = warning;\nCREATE EXTENSION safeguard;\n"
	  . slurp_file('test/generator/generator.sql')
	  . "\nSELECT sg_gen.setup();\n"
	  . "SELECT sg_gen.plan(20251, 300, '2024-10-01', '2026-01-30');\n"
	  . "SELECT sg_gen.execute('$as_of');\n");
my $roles = $pub->safe_psql('casework',
	q{SELECT string_agg(format('CREATE ROLE %I LOGIN;', rolname), ' ' ORDER BY rolname)
	  FROM pg_roles WHERE rolname LIKE 'gen\_%'});
ok($roles =~ /gen_cc/, 'the generator created its login roles');
note('safeguard version: '
	  . $pub->safe_psql('casework', q{SELECT extversion FROM pg_extension WHERE extname = 'safeguard'}));

my $published = join(', ', map { "safeguard.$_" } @tables);
$pub->safe_psql('casework', "CREATE PUBLICATION warehouse FOR TABLE $published");
$pub->safe_psql('casework',
	'CREATE PUBLICATION naive FOR TABLE safeguard.concern, safeguard.audit_event');
note('publisher DDL records in chain table:ddl: '
	  . $pub->safe_psql('casework',
		q{SELECT count(*) FROM safeguard.audit_event WHERE chain_key = 'table:ddl'}));

# The warehouse: same extension, same login roles, triggers of the
# replicated tables in origin mode, no audit rows of its own.
$wh->safe_psql('postgres', 'CREATE DATABASE warehouse');
$wh->safe_psql('postgres', $roles);
my $tables_array = join(',', @tables);
$wh->safe_psql(
	'warehouse', qq{
SET client_min_messages = warning;
CREATE EXTENSION safeguard;
BEGIN;
-- the DDL guard would write this DDL into the warehouse's own audit chain
ALTER EVENT TRIGGER safeguard_guard_ddl DISABLE;
ALTER EVENT TRIGGER safeguard_guard_drop DISABLE;
DO \$\$
DECLARE
    g record;
BEGIN
    FOR g IN SELECT c.relname, t.tgname
             FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
             WHERE c.relnamespace = 'safeguard'::regnamespace AND NOT t.tgisinternal
               AND c.relname = ANY ('{$tables_array}'::text[])
               AND t.tgname <> 'scope_changed_replicated'
    LOOP
        EXECUTE format('ALTER TABLE safeguard.%I ENABLE TRIGGER %I', g.relname, g.tgname);
    END LOOP;
END
\$\$;
SET LOCAL session_replication_role = replica;
DELETE FROM safeguard.audit_event;
ALTER EVENT TRIGGER safeguard_guard_ddl ENABLE ALWAYS;
ALTER EVENT TRIGGER safeguard_guard_drop ENABLE ALWAYS;
COMMIT;
});
is( $wh->safe_psql(
		'warehouse', qq{
SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE c.relnamespace = 'safeguard'::regnamespace AND NOT t.tgisinternal
  AND c.relname = ANY ('{$tables_array}'::text[])
  AND t.tgenabled <> CASE t.tgname WHEN 'scope_changed_replicated' THEN 'A' ELSE 'O' END}),
	'0',
	'warehouse: every trigger of a replicated table fires in origin mode, but scope_changed_replicated, which must fire under the apply worker');

my $connstr = $pub->connstr . ' dbname=casework';
$wh->safe_psql('warehouse',
	"CREATE SUBSCRIPTION warehouse CONNECTION '$connstr' PUBLICATION warehouse");

# Work goes on while the subscription starts: the contact centre empties the
# send queue, the authorities acknowledge, new concerns arrive and are
# triaged and sent, the sweep fires due rungs, an auditor seals.
my @la = split /\n/, $pub->safe_psql('casework',
	q{SELECT substr(code, 7) || ' ' || id FROM sg_gen.org WHERE code LIKE 'GEN-LA_' ORDER BY code});
my %la_id = map { split / / } @la;
my $queue = $pub->safe_psql('casework',
	q{SELECT string_agg(r.id || ':' || substr(o.code, 7), ' ' ORDER BY r.id)
	  FROM safeguard.referral r JOIN sg_gen.org o ON o.id = r.la_id
	  WHERE r.state = 'awaiting_send'});
my $sql = "SET client_min_messages = warning;\n"
  . "SELECT safeguard.set_clock('2025-11-04 09:30+00');\nSET ROLE gen_cc;\n";
foreach my $q (split / /, $queue)
{
	my ($ref) = split /:/, $q;
	$sql .= "SELECT safeguard.send_referral($ref, 'secure_email', la_contact => 'T010 desk');\n";
}
$sql .= "RESET ROLE;\nSELECT safeguard.set_clock('2025-11-04 09:45+00');\n";
foreach my $q (split / /, $queue)
{
	my ($ref, $n) = split /:/, $q;
	$sql .= "SET ROLE gen_la${n}_hub;\n"
	  . "SELECT safeguard.acknowledge_referral($ref, '2025-11-04 09:40+00', 'T010-$ref');\n"
	  . "RESET ROLE;\n";
}
foreach my $i (1 .. 24)
{
	my $n = 1 + $i % 3;
	my $desc = "T010 ongoing concern $i";
	$sql .= "SELECT safeguard.set_clock('2025-11-04 10:00+00');\nSET ROLE gen_cc;\n"
	  . "SELECT safeguard.log_concern(received_at => '2025-11-04 09:00+00', channel => 'phone',"
	  . " source => 'relative', description => '$desc', risk_types => '{Neglect and Acts of Omission}',"
	  . " la_id => $la_id{$n}, referrer_name => 'T010 Referrer $i', referrer_phone => '07700 900123',"
	  . " adult_name => 'T010 Person $i', adult_date_of_birth => '1940-01-01');\n"
	  . "RESET ROLE;\nSELECT safeguard.set_clock('2025-11-04 10:30+00');\nSET ROLE gen_insp_north;\n"
	  . "SELECT safeguard.triage_concern((SELECT id FROM safeguard.concern WHERE description = '$desc'),"
	  . " 'refer_to_la', 'T010 rationale $i', true, true, true);\n"
	  . "RESET ROLE;\n";
	next if $i == 24;    # the last one stays in the send queue
	$sql .= "SELECT safeguard.set_clock('2025-11-04 11:00+00');\nSET ROLE gen_cc;\n"
	  . "SELECT safeguard.send_referral((SELECT r.id FROM safeguard.referral r JOIN safeguard.concern c"
	  . " ON c.id = r.concern_id WHERE c.description = '$desc'), 'secure_email');\nRESET ROLE;\n";
}
$sql .= "SELECT safeguard.set_clock('$report_at');\nSELECT 'fired ' || safeguard.sweep(100000);\n"
  . "SELECT safeguard.audit_digest();\n";
my $phase2 = $pub->safe_psql('casework', $sql);
my ($fired) = $phase2 =~ /^fired (\d+)$/m;
my ($digest) = $phase2 =~ /^(sg1:\d+:[0-9a-f]{64})$/m;
ok($fired > 0, "the sweep fired $fired rungs on the publisher during the initial sync");
ok(defined $digest, 'an auditor sealed the chains on the publisher');
is( $pub->safe_psql('casework',
		q{SELECT count(*) FROM safeguard.concern WHERE description LIKE 'T010 ongoing concern %'}),
	'24',
	'24 concerns were logged while the subscription started');

$wh->wait_for_subscription_sync($pub, 'warehouse', 'warehouse');

# Every published table, row for row (rows as text, sorted).
foreach my $t (@tables)
{
	my $q = "SELECT count(*) || ' ' || md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
	  . " FROM safeguard.$t t";
	my $p = $pub->safe_psql('casework', $q);
	is($wh->safe_psql('warehouse', $q), $p, "warehouse $t equals the publisher's ($p)");
}
foreach my $t (qw(organisation duty_grant safeguarding_case concern triage referral deadline
	deadline_alert audit_event audit_seal audit_seal_head))
{
	ok($pub->safe_psql('casework', "SELECT count(*) > 0 FROM safeguard.$t") eq 't',
		"$t is not empty");
}
is( $wh->safe_psql('warehouse',
		q{SELECT count(*) FROM safeguard.referral r JOIN safeguard.concern c ON c.id = r.concern_id
		  WHERE c.description LIKE 'T010 ongoing concern %' AND r.state = 'sent'}),
	'23',
	'the referrals sent during the initial sync arrived in their final state');
my $queued_count = $wh->safe_psql('warehouse', q{SELECT count(*) FROM safeguard.send_queue});
is( $queued_count,
	$pub->safe_psql('casework', q{SELECT count(*) FROM safeguard.send_queue}),
	'the send queue is the same on the warehouse');
ok($queued_count > 0, "the send queue is not empty ($queued_count)");

# The audit trail verifies on the warehouse copy, also against the digest
# taken on the publisher; the warehouse made no audit rows of its own.
is($wh->safe_psql('warehouse', 'SELECT count(*) FROM safeguard.verify_audit()'),
	'0', 'warehouse: verify_audit() finds every chain intact');
is($wh->safe_psql('warehouse', "SELECT count(*) FROM safeguard.verify_audit('$digest')"),
	'0', 'warehouse: verify_audit(digest) accepts the digest kept from the publisher');
is($pub->safe_psql('casework', "SELECT count(*) FROM safeguard.verify_audit('$digest')"),
	'0', 'publisher: verify_audit(digest) too');

# Reports: every view and the SAC return, at one pinned instant, as a
# superuser (everything) and as local authority 1's reader (its own).
my %reader_grants = ();
$wh->safe_psql(
	'warehouse', q{
DO $$
DECLARE
    g record;
BEGIN
    -- duty grants arrive as rows; the role memberships they imply are per cluster
    FOR g IN SELECT role, duty FROM safeguard.duty_grant WHERE revoked_at IS NULL LOOP
        EXECUTE format('GRANT %I TO %s', 'safeguard_' || g.duty::text, g.role);
    END LOOP;
END
$$;
});
foreach my $who ('postgres', 'gen_reader_la1')
{
	my $role = $who eq 'postgres' ? '' : "SET ROLE $who;\n";
	my $q = "SET client_min_messages = warning;\nSELECT 1 FROM safeguard.set_clock('$report_at');\n$role";
	foreach my $v (@views)
	{
		$q .= "SELECT '$v ' || count(*) || ' ' || md5(coalesce(string_agg(v::text, E'\\n' ORDER BY v::text), ''))"
		  . " FROM safeguard.$v v;\n";
	}
	foreach my $year (2024, 2025)
	{
		$q .= "SELECT 'sac_return($year) ' || count(*) || ' ' || md5(string_agg(v::text, E'\\n' ORDER BY v::text))"
		  . " FROM safeguard.sac_return($year) v;\n";
	}
	my @p = grep { /^(report_|referral_|open_|sac_)/ } split /\n/, $pub->safe_psql('casework', $q);
	my @w = grep { /^(report_|referral_|open_|sac_)/ } split /\n/, $wh->safe_psql('warehouse', $q);
	is(scalar(@p), scalar(@views) + 2, "as $who: every report read on the publisher");
	foreach my $i (0 .. $#p)
	{
		is($w[$i], $p[$i], "as $who: warehouse $p[$i]");
	}
	my ($events) = map { /^report_indicator_events (\d+) / ? $1 : () } @p;
	$reader_grants{$who} = $events;
	ok($events > 0, "as $who: the indicator events are not empty ($events)");
}
ok($reader_grants{gen_reader_la1} < $reader_grants{postgres},
	'the reader sees only its own authority on the warehouse as on the publisher');

# The warehouse still refuses local writes: the guards fire for ordinary sessions.
my ($rc, $out, $err) = $wh->psql('warehouse',
	"\\set VERBOSITY sqlstate\nUPDATE safeguard.audit_event SET action = 'UPDATE' WHERE chain_seq = 1");
like($err, qr/SG204/, 'warehouse: an audit row cannot be updated by a local session (SG204)');
my $queued = $wh->safe_psql('warehouse',
	q{SELECT min(id) FROM safeguard.referral WHERE state = 'awaiting_send'});
($rc, $out, $err) = $wh->psql('warehouse',
	"\\set VERBOSITY sqlstate\nUPDATE safeguard.referral SET state = 'closed' WHERE id = $queued");
my ($code) = $err =~ /ERROR:\s+(\S+)/;
like($code // '', qr/^(SG20[13]|42501)$/,
	'warehouse: a queued referral cannot be closed by a local session (' . ($code // 'no error') . ')');

# Verification is not vacuous on the warehouse: altering one row is found.
like(
	$wh->safe_psql(
		'warehouse', q{
BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE safeguard.audit_event SET changes = '{"forged": "true"}'
 WHERE (chain_key, chain_seq) = (SELECT chain_key, chain_seq FROM safeguard.audit_event
                                  WHERE chain_key LIKE 'case:%' ORDER BY id LIMIT 1);
SELECT problem FROM safeguard.verify_audit();
ROLLBACK;
}),
	qr/altered/,
	'warehouse: a forged audit row fails verification');

# A regrole travels as the role's name: a row naming a role the warehouse
# lacks stops the apply (undefined object) until the role is created there.
my $offset = -s $wh->logfile;
$pub->safe_psql('casework',
	"CREATE ROLE t010_late LOGIN; SELECT safeguard.grant_duty('t010_late', 'reader', $la_id{1})");
$wh->poll_query_until('warehouse',
	q{SELECT apply_error_count > 0 FROM pg_stat_subscription_stats WHERE subname = 'warehouse'})
  or die 'the apply never stopped on the unknown role';
like(slurp_file($wh->logfile, $offset), qr/\] 42704 ERROR/,
	'warehouse: a duty grant naming a role it lacks stops the apply (42704)');
$wh->safe_psql('postgres', 'CREATE ROLE t010_late LOGIN');
$pub->wait_for_catchup('warehouse');
is( $wh->safe_psql('warehouse',
		q{SELECT count(*) FROM safeguard.duty_grant WHERE role = 't010_late'::regrole AND duty = 'reader'}),
	'1',
	'warehouse: the grant arrives once the role exists');

# A replicated revoke reaches the warehouse's sessions at once (1.5 keeps each
# backend's grants until duty_grant's invalidation, which the row trigger
# scope_changed_replicated sends under the apply worker): a session that read
# as local authority 1's reader reads nothing on its next statement once the
# publisher's revoke has arrived, without reconnecting.
my $reader_session = $wh->background_psql('warehouse');
$reader_session->query_safe("SET client_min_messages = warning");
$reader_session->query_safe("SELECT 1 FROM safeguard.set_clock('$report_at')");
$reader_session->query_safe('SET ROLE gen_reader_la1');
my $seen = $reader_session->query_safe('SELECT count(*) FROM safeguard.report_indicator_events');
cmp_ok($seen, '>', 0, "warehouse: a session reads as the reader ($seen indicator events)");
$pub->safe_psql('casework', q{SELECT safeguard.revoke_duty('gen_reader_la1', 'reader')});
$pub->wait_for_catchup('warehouse');
is( $wh->safe_psql('warehouse',
		q{SELECT count(*) FROM safeguard.duty_grant WHERE role = 'gen_reader_la1'::regrole AND revoked_at IS NULL}),
	'0', 'warehouse: the revoke arrived');
is($reader_session->query_safe('SELECT count(*) FROM safeguard.report_indicator_events'),
	'0', 'warehouse: the same session reads nothing on its next statement (its cached grants were dropped)');
$reader_session->quit;

# The extension left as installed: its ALWAYS triggers fire under the apply
# worker, so the initial copy is refused and nothing arrives.
$wh->safe_psql('postgres', 'CREATE DATABASE naive');
$wh->safe_psql('naive', 'SET client_min_messages = warning; CREATE EXTENSION safeguard');
my $install_rows = $wh->safe_psql('naive', 'SELECT count(*) FROM safeguard.audit_event');
my $log_offset = -s $wh->logfile;
$wh->safe_psql('naive',
	"CREATE SUBSCRIPTION naive CONNECTION '$connstr' PUBLICATION naive");
$wh->poll_query_until('naive',
	q{SELECT sync_error_count >= 2 FROM pg_stat_subscription_stats WHERE subname = 'naive'})
  or die 'the naive subscription never failed';
my $log = slurp_file($wh->logfile, $log_offset);
like($log, qr/\] SG204 ERROR/, 'naive warehouse: audit_event copy refused by audit_guard (SG204)');
my @codes = sort keys %{ { map { $_ => 1 } $log =~ /\] (SG\d{3}|42\d{3}) ERROR/g } };
note('naive warehouse: apply errors with SQLSTATEs ' . join(', ', @codes));
is($wh->safe_psql('naive', 'SELECT count(*) FROM safeguard.concern'),
	'0', 'naive warehouse: no concern arrived');
is($wh->safe_psql('naive', 'SELECT count(*) FROM safeguard.audit_event'),
	$install_rows, 'naive warehouse: only its own install-time audit rows');
$wh->safe_psql('naive', 'DROP SUBSCRIPTION naive');

$wh->safe_psql('warehouse', 'DROP SUBSCRIPTION warehouse');
$wh->stop;
$pub->stop;
done_testing();

# Read scaling: a streaming hot standby serves the reports while the primary
# takes writes.
#
# The primary runs as in production (library preloaded, the deadline sweeper
# sweeping every second) and holds the seeded generator's casework.  A
# standby (hot_standby_feedback on) is made from a base backup and streams
# from it.  While a client drives the referral workflow on the primary (each
# step as the role holding its duty), the standby answers, twice, a
# superuser, two readers (the regulator's and a local authority's), a
# Safeguarding Adults Manager and an administrator:
#   - every view of the safeguard schema the role may read (found in the
#     catalog, so a new view is covered without touching this test);
#   - sac_return() for two years, with and without disclosure control, for
#     every authority and for one;
#   - every calendar function (found in the catalog: those named or
#     described as working-day, calendar or bank-holiday functions), called
#     over a grid of valid arguments built from their argument types;
#   - verify_audit() and the journeys (superuser and administrator).
# None may fail (a read-only transaction error, 25006, would be a reading
# path that writes).  Then the writes stop, the standby catches up, and every
# answer (pinned to the same safeguard clock) equals the primary's.
# safeguard-cli's dashboard, exports, SAC return and verification run
# against the standby.  A holiday announced on the primary reaches a standby
# session that had the calendar cached; every kind of write on the standby
# fails with SQLSTATE 25006, the volatile calendar function (the import)
# among them; the sweeper does not run on the standby, and once the standby
# is promoted it does, and the workflow writes there.
use strict;
use warnings;

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

use FindBin;
use lib $FindBin::RealBin;
use SafeguardTest qw(valid_nhs_number);

my $as_of = '2026-01-15 12:00+00';    # the generator's as-of instant; reports are read at it
my $clock = "SELECT safeguard.set_clock('$as_of') IS NOT NULL AS pinned \\gset\n";
my $start = time;

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->append_conf(
	'postgresql.conf', q{
shared_preload_libraries = 'safeguard'
safeguard.sweep_interval = 1
});
$primary->start;

my $generator = ($ENV{TESTDIR} // '.') . '/test/generator/generator.sql';
ok(-f $generator, 'the generator is found');
$primary->safe_psql('postgres',
	"SET client_min_messages = warning;\nCREATE EXTENSION safeguard;\n\\i $generator\n"
	  . "SELECT sg_gen.setup();\nSELECT sg_gen.plan(20251, 500, '2024-10-01', '2026-01-30');\n"
	  . "SELECT sg_gen.execute('$as_of');");
is( $primary->safe_psql(
		'postgres', qq{SELECT (SELECT count(*) FROM safeguard.concern) || ' '
	|| (SELECT count(*) FROM sg_gen.plan WHERE received_at + interval '5 minutes' < '$as_of')}) =~ /^(\d+) \1$/
	  ? 'same' : 'differ',
	'same',
	'the generator logged its planned concerns on the primary');
my %la = map {
	$_ => $primary->safe_psql('postgres', "SELECT id FROM safeguard.organisation WHERE code = 'GEN-LA$_'")
} (1, 2, 3);

$primary->backup('base');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'base', has_streaming => 1);
# A reporting standby holds back the primary's cleanup of rows its queries read.
$standby->append_conf('postgresql.conf', 'hot_standby_feedback = on');
$standby->start;
$primary->wait_for_catchup($standby, 'replay', $primary->lsn('insert'));
is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'), 't', 'the standby is in recovery');

# The sweeper runs on the primary (as configured) and not on the standby,
# which has the same configuration.
my $sweeper = q{SELECT count(*) FROM pg_stat_activity
	WHERE backend_type OPERATOR(pg_catalog.=) 'safeguard deadline sweeper'};
ok($primary->poll_query_until('postgres', "SELECT ($sweeper) = 1"), 'the sweeper runs on the primary');
ok($primary->poll_query_until('postgres', 'SELECT count(*) > 0 FROM safeguard.deadline_alert'),
	'and sweeps: overdue deadlines of the generated casework fire');

######################################################################
# What the standby is asked.
######################################################################

# Readers: each role's read script starts as the superuser, pins the clock
# (set_clock is revoked from PUBLIC) and becomes the role.
my @readers = ('', 'gen_reader_cqc', 'gen_reader_la1', 'gen_la1_sam');
sub who { return $_[0] eq '' ? 'superuser' : $_[0]; }

# A fingerprint of a query's rows: how many, and the md5 of their text in order.
sub fingerprint
{
	my ($label, $from) = @_;
	$label =~ s/'/''/g;
	return "SELECT '$label: ' || count(*) || ' ' "
	  . "|| coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '-') FROM $from t;\n";
}

# The views each role may read, from the catalog.
my %views;
for my $role (@readers)
{
	my $who = $role eq '' ? 'current_user' : "'$role'";
	$views{$role} = [
		split /\n/, $primary->safe_psql(
			'postgres', qq{SELECT c.relname FROM pg_class c
	WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relkind IN ('v', 'm')
	  AND has_table_privilege($who, c.oid, 'SELECT') ORDER BY 1})
	];
}
my @all_views = @{ $views{''} };
my @report_views = grep { /^report_/ } @all_views;
cmp_ok(scalar(@report_views), '>=', 10, scalar(@report_views) . ' report_ views found in the catalog');
for my $role (grep { /reader/ } @readers)
{
	is_deeply([ grep { /^report_/ } @{ $views{$role} } ], \@report_views, "$role may read every report_ view");
}
note 'views: ' . join(', ', @all_views);

# The calendar functions, from the catalog: those named or described as
# working-day, calendar or bank-holiday functions that do not act on a record
# (no bigint argument: the workflow's functions that mention working days take
# a record's id).  Each is called over a grid of valid arguments per type.
my @divisions = split /\n/, $primary->safe_psql('postgres',
	'SELECT division FROM safeguard.division ORDER BY 1');
my @units = split /\n/, $primary->safe_psql('postgres',
	'SELECT unnest(enum_range(NULL::safeguard.deadline_unit)) ORDER BY 1');
my %grid = (
	'date' => [
		map { "'$_'::date" } qw(2022-09-16 2023-05-05 2024-03-28 2024-03-29 2024-04-01
		  2024-12-24 2025-05-02 2025-08-22 2026-01-02 2026-12-24 2027-06-14 2027-06-15)
	],
	'integer' => [ -3, 0, 1, 2, 5, 20 ],
	'text' => [ map { "'$_'::text" } @divisions ],
	'timestamp with time zone' => [
		map { "'$_'::timestamptz" } ('2024-03-28 16:30+00', '2024-12-24 09:00+00',
			'2026-03-29 00:30+00', '2027-06-14 23:30+00')
	],
	'safeguard.deadline_unit' => [ map { "'$_'::safeguard.deadline_unit" } @units ],
	'jsonb' => [
		q{'{"england-and-wales": {"division": "england-and-wales", "events": [
		{"title": "T08 extra holiday", "date": "2028-07-04", "notes": "", "bunting": false}]}}'::jsonb}
	]);
my @calendar = map { [ split /\|/ ] } split /\n/, $primary->safe_psql(
	'postgres', q{SELECT p.oid::regprocedure, p.proname, p.provolatile,
	       array_to_string(ARRAY(SELECT format_type(t, NULL) FROM unnest(p.proargtypes) t), ',')
	FROM pg_proc p
	WHERE p.pronamespace = 'safeguard'::regnamespace AND p.prokind = 'f'
	  AND p.prorettype NOT IN ('trigger'::regtype, 'event_trigger'::regtype)
	  AND (p.proname ~ '(working|calendar|holiday)'
	       OR obj_description(p.oid, 'pg_proc') ~* '(working day|calendar|bank holiday)')
	  AND NOT 'bigint'::regtype = ANY (p.proargtypes::oid[])
	ORDER BY 1});
my @calendar_reads = grep { $_->[2] ne 'v' } @calendar;
my @calendar_writes = grep { $_->[2] eq 'v' } @calendar;
note 'calendar functions: ' . join(', ', map { $_->[0] } @calendar);
cmp_ok(scalar(@calendar_reads), '>=', 6,
	scalar(@calendar_reads) . ' stable or immutable calendar functions found in the catalog');

# The call of a function over the whole grid of its argument types, as one fingerprint.
sub grid_call
{
	my ($sig, $name, $types) = @_;
	my @types = split /,/, $types;
	my (@from, @args, @order);
	for my $i (0 .. $#types)
	{
		my $values = $grid{ $types[$i] };
		BAIL_OUT("no argument values for type $types[$i] of $sig: add them to the grid") unless $values;
		push @from, "(VALUES " . join(', ', map { "($values->[$_], $_)" } 0 .. $#$values) . ") a$i(v, o)";
		push @args, "a$i.v";
		push @order, "a$i.o";
	}
	my $call = "safeguard.$name(" . join(', ', @args) . ')';
	return "SELECT '$sig: ' || count(*) || ' ' || md5(string_agg(coalesce(${call}::text, 'NULL'), ','"
	  . (@order ? ' ORDER BY ' . join(', ', @order) : '') . '))'
	  . (@from ? ' FROM ' . join(' CROSS JOIN ', @from) : '') . ";\n";
}

# A role's read script: views, the SAC return, the calendar, and (for the
# superuser) the audit verification and journeys.
sub read_script
{
	my ($role) = @_;
	my $s = "\\set ON_ERROR_STOP 1\n$clock" . ($role eq '' ? '' : "SET ROLE $role;\n");
	$s .= fingerprint("view $_", "safeguard.$_") for @{ $views{$role} };
	for my $year (2024, 2025)
	{
		for my $dc ('false', 'true')
		{
			for my $one ('NULL', $la{1})
			{
				$s .= fingerprint("sac_return($year, $dc, $one)",
					"safeguard.sac_return($year, $dc, $one)");
			}
		}
	}
	$s .= grid_call(@$_[ 0, 1, 3 ]) for @calendar_reads;
	if ($role eq '' || $role eq 'gen_admin')
	{
		$s .= fingerprint('verify_audit()', 'safeguard.verify_audit()');
		$s .= fingerprint("case_journey($_)", "safeguard.case_journey($_)") for 1, 50, 150;
		$s .= fingerprint("referral_journey($_)", "safeguard.referral_journey($_)") for 1, 40, 120;
	}
	return $s;
}
push @readers, 'gen_admin';
$views{gen_admin} = [];    # the administrator verifies the audit on the standby

# Runs every role's read script on a node; returns (failures, { "role label" => fingerprint }).
sub read_all
{
	my ($node) = @_;
	my (%fp, @failures);
	for my $role (@readers)
	{
		my ($rc, $out, $err) = $node->psql('postgres', read_script($role));
		push @failures, who($role) . ": exit $rc: $err" if $rc != 0 || $err ne '';
		for my $line (split /\n/, $out)
		{
			my ($label, $value) = $line =~ /^(.*): (\S+ \S+)$/ or next;
			$fp{ who($role) . " $label" } = $value;
		}
	}
	return (\@failures, \%fp);
}

######################################################################
# Reads on the standby while the primary takes writes.
######################################################################

# A valid NHS number (modulus 11) for a person number.
sub nhs_number
{
	my ($person) = @_;
	return valid_nhs_number(600000000 + $person * 7);
}

# The writer: case after case through the whole referral workflow, each step
# a transaction of its own as the role holding the duty, on the real clock.
my $writer_sql = "\\set ON_ERROR_STOP 1\n";
for my $i (1 .. 5000)
{
	my $n = 1 + $i % 3;
	my ($hub, $sam, $locality) = map { "gen_la${n}_$_" } qw(hub sam locality);
	my $nhs = nhs_number($i);
	$writer_sql .= qq{BEGIN; SET LOCAL ROLE gen_cc;
SELECT safeguard.log_concern(now(), 'phone', 'relative', 'T08 concern $i', '{Physical Abuse}',
    la_id => $la{$n}, referrer_name => 'Ann Relative', referrer_phone => '07700 900456',
    adult_nhs_number => '$nhs', adult_name => 'T08 Person $i', adult_date_of_birth => '1940-05-0@{[1 + $i % 9]}') AS c \\gset
COMMIT;
BEGIN; SET LOCAL ROLE gen_insp_north;
SELECT safeguard.triage_concern(:c, 'refer_to_la', 'T08 rationale', true, true, true) AS r \\gset
COMMIT;
BEGIN; SET LOCAL ROLE gen_cc; SELECT safeguard.send_referral(:r, 'secure_email'); COMMIT;
BEGIN; SET LOCAL ROLE $hub; SELECT safeguard.acknowledge_referral(:r, la_reference => 'T08-$i'); COMMIT;
BEGIN; SET LOCAL ROLE $sam; SELECT safeguard.allocate_referral(:r, '$locality'); COMMIT;
BEGIN; SET LOCAL ROLE $hub; SELECT safeguard.decide_referral(:r, 'section_42_enquiry', 'T08 decision'); COMMIT;
BEGIN; SET LOCAL ROLE $hub;
SELECT safeguard.record_referral_outcome(:r, 'Risk identified and action taken', 'Risk reduced',
    lacked_capacity => 'No, they did not lack capacity', msp_asked => 'No');
COMMIT;
BEGIN; SET LOCAL ROLE $hub; SELECT safeguard.close_referral(:r, now(), 'phone'); COMMIT;
SELECT pg_sleep(0.02);
};
}
my $tmp = PostgreSQL::Test::Utils::tempdir();
open my $wfh, '>', "$tmp/writer.sql" or die "$tmp/writer.sql: $!";
print $wfh $writer_sql;
close $wfh;
my $writer = IPC::Run::start(
	[ 'psql', '-X', '-q', '-d', $primary->connstr('postgres') . ' application_name=t08_writer',
		'-f', "$tmp/writer.sql" ],
	'>', '/dev/null', '2>', "$tmp/writer.err");
ok( $primary->poll_query_until(
		'postgres', q{SELECT count(*) >= 20 FROM safeguard.referral r
	JOIN safeguard.concern c ON c.id = r.concern_id WHERE c.description LIKE 'T08 concern %' AND r.state = 'closed'}),
	'the primary takes workflow writes');

my $count_t08 = q{SELECT count(*) FROM safeguard.concern WHERE description LIKE 'T08 concern %'};
my $rounds = 2;
for my $round (1 .. $rounds)
{
	my $before = $standby->safe_psql('postgres', $count_t08);
	my $t0 = time;
	my ($failures) = read_all($standby);
	note sprintf('round %d: the standby answered every role in %.1f s', $round, time - $t0);
	my $after = $standby->safe_psql('postgres', $count_t08);
	is_deeply($failures, [],
		"round $round: every read on the standby succeeds while the primary writes, for every role");
	cmp_ok($after, '>', $before,
		"round $round: the standby replayed writes meanwhile ($before -> $after T08 concerns)");
}
is( $primary->safe_psql('postgres',
		q{SELECT count(*) FROM pg_stat_activity WHERE application_name = 't08_writer'}),
	'1',
	'the writer was still connected after the reads');

# A standby session that has the calendar cached: the day after 2027-06-14.
my $session = $standby->background_psql('postgres', on_error_stop => 1);
$session->query_safe("SET ROLE gen_reader_la1");
is($session->query_safe(q{SELECT safeguard.add_working_days('2027-06-14', 1)}),
	'2027-06-15', 'a standby session counts working days');

# The writes stop.
$writer->signal('TERM');
$writer->finish;
my $writer_err = slurp_file("$tmp/writer.err");
unlike($writer_err, qr/ERROR/, 'no workflow write on the primary failed');

######################################################################
# A holiday announced on the primary reaches the cached standby session.
######################################################################
# (And a concern left awaiting triage, whose deadline's rungs are not yet due.)
$primary->safe_psql(
	'postgres', qq{
INSERT INTO safeguard.bank_holiday (division, day, title) VALUES ('england-and-wales', '2027-06-15', 'T08 announced holiday');
SET ROLE gen_cc;
SELECT safeguard.log_concern(now(), 'email', 'professional', 'T08 awaiting triage', '{Physical Abuse}',
    la_id => $la{1}, referrer_name => 'Pat Nurse', referrer_phone => '01234 567890');});
$primary->wait_for_catchup($standby, 'replay', $primary->lsn('insert'));
is($session->query_safe(q{SELECT safeguard.add_working_days('2027-06-14', 1)}),
	'2027-06-16', 'the same standby session skips the holiday once it is replayed');
$session->quit;

######################################################################
# After catch-up the standby answers exactly as the primary does.
######################################################################
# The sweeper may still write on the primary: the comparison is kept only
# when no transaction id was assigned on the primary (nothing was written)
# from before the primary was read until after the standby was.  Every
# sweep records itself in sweep_health (issue 19), a write even when it
# fires nothing, so the sweeper waits an hour while the nodes are compared.
$primary->append_conf('postgresql.conf', 'safeguard.sweep_interval = 3600');
$primary->reload;
my $next_xid = 'SELECT pg_snapshot_xmax(pg_current_snapshot())';
my ($p1, $s, $fail_p, $fail_s);
for my $attempt (1 .. 5)
{
	my $x0 = $primary->safe_psql('postgres', $next_xid);
	($fail_p, $p1) = read_all($primary);
	$primary->wait_for_catchup($standby, 'replay', $primary->lsn('insert'));
	($fail_s, $s) = read_all($standby);
	my $x1 = $primary->safe_psql('postgres', $next_xid);
	last if $x0 eq $x1;
	note "attempt $attempt: the primary wrote while the nodes were read (next xid $x0 -> $x1); again";
}
is_deeply($fail_p, [], 'every read succeeds on the primary');
is_deeply($fail_s, [], 'every read succeeds on the standby after catch-up');
my @labels = sort keys %$p1;
my @differ = grep { ($s->{$_} // 'missing') ne $p1->{$_} } @labels;
is_deeply(\@differ, [], 'after catch-up the standby gives the primary\'s answer to each of '
	  . scalar(@labels) . ' queries')
  or diag(join("\n", map { "$_: primary $p1->{$_}, standby " . ($s->{$_} // 'missing') } @differ));
$primary->append_conf('postgresql.conf', 'safeguard.sweep_interval = 1');
$primary->reload;
for my $role (@readers)
{
	my $n = grep { /^\Q${\who($role)}\E / } @labels;
	note who($role) . ": $n queries compared";
}
my @nonempty = grep { /view report_/ && $p1->{$_} !~ /^0 / } @labels;
cmp_ok(scalar(@nonempty), '>=', 20, 'the report views compared are not empty (' . scalar(@nonempty) . ')');
is($s->{'superuser verify_audit()'}, '0 -', 'verify_audit() on the standby finds every chain intact');
is($s->{'gen_admin verify_audit()'}, '0 -', '... as the administrator too');

######################################################################
# safeguard-cli against the standby.
######################################################################
my $pg_config = $ENV{PG_CONFIG} // 'pg_config';
my $cli = `$pg_config --bindir`;
chomp $cli;
$cli .= '/safeguard-cli';
ok(-x $cli, "safeguard-cli is installed ($cli)");
# Runs the tool on a node as a role; returns (exit status, stdout, stderr).
sub run_cli
{
	my ($node, $user, @args) = @_;
	my ($out, $err) = ('', '');
	local %ENV = %ENV;
	@ENV{qw(PGHOST PGPORT PGDATABASE PGUSER)} = ($node->host, $node->port, 'postgres', $user);
	delete $ENV{PGAPPNAME};
	IPC::Run::run([ $cli, @args ], '<', \'', '>', \$out, '2>', \$err);
	return ($? >> 8, $out, $err);
}
SKIP:
{
	skip 'no safeguard-cli: make install first', 6 unless -x $cli;
	my ($rc, $out, $err) = run_cli($standby, 'gen_la1_sam', 'dashboard');
	is($rc, 0, 'safeguard-cli dashboard runs on the standby (SAM)') or diag($err);
	like($out, qr/Send queue/, '... and prints the dashboard');
	my @failed;
	for my $view (@report_views)
	{
		($rc, $out, $err) = run_cli($standby, 'gen_reader_cqc', 'export', $view);
		push @failed, "$view: $rc $err" if $rc != 0;
	}
	is_deeply(\@failed, [], 'safeguard-cli export of every report view runs on the standby (reader)');
	my ($rc_s, $sac_s) = run_cli($standby, 'gen_reader_cqc', 'sac', '2025');
	my ($rc_p, $sac_p) = run_cli($primary, 'gen_reader_cqc', 'sac', '2025');
	is($rc_s, 0, 'safeguard-cli sac runs on the standby');
	ok($sac_s ne '' && $sac_s eq $sac_p, 'and its CSV equals the primary\'s');
	($rc, $out, $err) = run_cli($standby, 'gen_admin', 'verify');
	is($rc, 0, 'safeguard-cli verify finds the trail intact on the standby') or diag("$out$err");
}

######################################################################
# Writes on the standby fail as writes on a read-only server: 25006.
######################################################################
# The concern awaiting triage, and a referral of the first authority between
# sending and its outcome, with the step that would move it on.
my $untriaged = $primary->safe_psql('postgres',
	q{SELECT id FROM safeguard.concern WHERE description = 'T08 awaiting triage'});
my ($referral, $state) = split /\|/, $primary->safe_psql('postgres',
	qq{SELECT id, state FROM safeguard.referral WHERE la_id = $la{1}
	  AND state IN ('sent', 'acknowledged', 'decided') ORDER BY id LIMIT 1});
my %step = (
	sent => "acknowledge_referral($referral)",
	acknowledged => "decide_referral($referral, 'no_enquiry', 'on the standby')",
	decided => "record_referral_outcome($referral, 'No risk identified and no action taken')");
ok($untriaged && $referral, "a concern awaiting triage ($untriaged) and a referral $state ($referral) to try");
my @writes = (
	[ 'gen_cc', 'log a concern', qq{SELECT safeguard.log_concern(now(), 'phone', 'relative', 'on the standby',
	    '{Physical Abuse}', la_id => $la{1}, referrer_name => 'Ann Relative', referrer_phone => '07700 900456')} ],
	[ 'gen_insp_south', 'triage a concern',
		"SELECT safeguard.triage_concern($untriaged, 'refer_to_la', 'on the standby', true, true, true)" ],
	[ 'gen_la1_hub', "move a referral on from $state", "SELECT safeguard.$step{$state}" ],
	[ 'gen_la1_sam', 'allocate a referral', "SELECT safeguard.allocate_referral($referral, 'gen_la1_locality')" ],
	[ 'gen_admin', 'set the pseudonym secret', "SELECT safeguard.set_pseudonym_secret(repeat('k', 40))" ],
	[ 'gen_admin', 'seal the audit (audit_digest)', 'SELECT safeguard.audit_digest()' ],
	# With nothing due a sweep only reads; at a clock two years on, the rungs
	# of the triage deadline of the concern awaiting triage are due.
	[ '', 'sweep due deadlines',
		"SELECT safeguard.set_clock(now() + interval '2 years') IS NOT NULL AS pinned \\gset\nSELECT safeguard.sweep()" ],
	[ '', 'announce a bank holiday',
		q{INSERT INTO safeguard.bank_holiday (division, day, title) VALUES ('scotland', '2027-06-15', 'T08')} ]);
push @writes, map {
	[ '', "call the volatile calendar function $_->[0]", grid_call(@$_[ 0, 1, 3 ]) =~ s/;\n$//r ]
} @calendar_writes;
for my $w (@writes)
{
	my ($role, $what, $sql) = @$w;
	my ($rc, $out, $err) = $standby->psql('postgres',
		"\\set VERBOSITY sqlstate\n" . ($role eq '' ? '' : "SET ROLE $role;\n") . "$sql;");
	like($err, qr/ERROR:\s+25006$/m, who($role) . " cannot $what on the standby: 25006");
}
cmp_ok(scalar(@calendar_writes), '>=', 1, 'the calendar import is among them');

is($standby->safe_psql('postgres', $sweeper), '0', 'no sweeper runs on the standby');
ok(!$standby->log_contains(qr/safeguard.*(sweep|worker).*(ERROR|failed)|ERROR:.*sweep/i),
	'the standby\'s log shows no sweeper failing');

######################################################################
# Promoted, the standby starts its sweeper and takes the workflow's writes.
######################################################################
$primary->stop;
$standby->promote;
ok($standby->poll_query_until('postgres', "SELECT ($sweeper) = 1"), 'promoted, the standby runs the sweeper');
is( $standby->safe_psql(
		'postgres', qq{SET ROLE gen_cc;
SELECT safeguard.send_referral(safeguard.triage_concern(safeguard.log_concern(now(), 'phone', 'relative',
    'T08 after promotion', '{Physical Abuse}', la_id => $la{2}, referrer_name => 'Ann Relative',
    referrer_phone => '07700 900456'), 'refer_to_la', 'T08 rationale', true, true, true), 'secure_email')}),
	'sent',
	'and takes workflow writes: a concern logged, triaged and its referral sent');
is($standby->safe_psql('postgres', 'SELECT count(*) FROM safeguard.verify_audit()'),
	'0', 'the audit chains verify on the promoted standby');

note sprintf('test ran %.1f s', time - $start);
$standby->stop;
done_testing();

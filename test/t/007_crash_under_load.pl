# A crash under load: several clients drive the referral workflow at once,
# each transition as the role holding its duty, and the server stops with
# 'immediate' (every backend killed, no shutdown checkpoint) in the middle.
#
# Each client is a psql session of the pooled login t07_app that SET LOCAL
# ROLEs to the acting person in every transaction, as an application does:
# the contact centre logs concerns and sends referrals, an inspector logs and
# triages, the local authority's officer acknowledges, decides, records the
# outcome and closes.  A quarter of the concerns are about a small pool of
# shared adults, so clients meet on the same case and its audit chain.  After
# COMMIT returns, and only then, the client writes an acknowledgement line
# (step, keys, transaction id, actor) to its own output file: the record,
# outside the database, of what it was told had committed.  Clients with an
# even number run with synchronous_commit = off (audited transactions commit
# synchronously anyway), and the WAL writer wakes only every 10 s, so an
# asynchronous commit can still sit in the WAL buffers at the crash.  There
# are two crashes: the first under four clients, two of each kind; the second
# under clients with synchronous_commit = off only, so that no other client's
# synchronous commit flushes the WAL for them.
#
# After each restart: every transaction acknowledged so far committed, with
# its rows in the state it left them and its audit rows under the acting
# role; nothing is half-done anywhere (each workflow row's current version
# was written by the transaction of its newest audit row, every audit row
# has its row, every referral's audit trail is exactly its path to its
# state, deadlines and case states agree with the rows); the audit chains
# verify; and the workflow goes on from where each client was cut off.  A
# control client inserts unaudited rows with synchronous_commit = off: what
# it loses is reported, never asserted (the commit record of the last few
# can be lost, and sometimes is).  The cluster runs with fsync = off, as
# every TAP node: an immediate stop kills the processes, not the kernel, so
# what was written to the WAL files survives and what was only in shared
# memory is lost.
use strict;
use warnings;

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

use FindBin;
use lib $FindBin::RealBin;
use SafeguardTest qw(valid_nhs_number preload_safeguard);

my $clients = 4;        # workflow clients in the first crash (even ones: synchronous_commit = off)
my $cases = 2000;       # cases scripted per client: far more than run before the crash
my $crash_after = 6000; # audit rows written by the load before the first stop (half before the second)
my $shared_adults = 6;  # adults a quarter of the concerns are about, across clients

my $node = PostgreSQL::Test::Cluster->new('crash_load');
$node->init;
preload_safeguard($node);
$node->append_conf(
	'postgresql.conf', q{
wal_writer_delay = 10s
autovacuum = off
max_connections = 40
});
$node->start;

# The regulator with a contact centre and an inspector, two local authorities
# with an officer each, and the pooled login that acts as each of them.
$node->safe_psql(
	'postgres', q{
SET client_min_messages = warning;
CREATE EXTENSION safeguard;
CREATE ROLE t07_app LOGIN;
CREATE ROLE t07_cc LOGIN;
CREATE ROLE t07_insp LOGIN;
CREATE ROLE t07_la1 LOGIN;
CREATE ROLE t07_la2 LOGIN;
CREATE ROLE t07_admin LOGIN;
GRANT t07_cc, t07_insp, t07_la1, t07_la2, t07_admin TO t07_app;
INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('regulator', 'T07 Care Quality Commission', 'T07-CQC');
INSERT INTO safeguard.organisation (kind, name, code, senior_contact_name, senior_contact_email)
VALUES ('local_authority', 'T07 Northshire Council', 'T07-LA1', 'Dana Head', 'dana@t07-la1.example'),
       ('local_authority', 'T07 Southshire Council', 'T07-LA2', 'Eli Head', 'eli@t07-la2.example');
SELECT safeguard.grant_duty('t07_cc', 'contact_centre', (SELECT id FROM safeguard.organisation WHERE code = 'T07-CQC'));
SELECT safeguard.grant_duty('t07_admin', 'admin', (SELECT id FROM safeguard.organisation WHERE code = 'T07-CQC'));
SELECT safeguard.grant_duty('t07_insp', 'inspector', (SELECT id FROM safeguard.organisation WHERE code = 'T07-CQC'));
SELECT safeguard.grant_duty('t07_la1', 'la_officer', (SELECT id FROM safeguard.organisation WHERE code = 'T07-LA1'));
SELECT safeguard.grant_duty('t07_la2', 'la_officer', (SELECT id FROM safeguard.organisation WHERE code = 'T07-LA2'));
CREATE TABLE t07_plain (client int, n int, PRIMARY KEY (client, n));
GRANT INSERT ON t07_plain TO t07_app;
});
my %la_id = map {
	$_ => $node->safe_psql('postgres',
		"SELECT id FROM safeguard.organisation WHERE code = 'T07-LA$_'")
} (1, 2);
my $audit_before = $node->safe_psql('postgres', 'SELECT count(*) FROM safeguard.audit_event');

# A valid NHS number (modulus 11) for a person number.
sub nhs_number
{
	my ($person) = @_;
	return valid_nhs_number(500000000 + $person * 7);
}

# One transaction of a client script: BEGIN, act as $role, run $select
# (which sets psql variables with \gset, x being the transaction id),
# COMMIT, and only then the acknowledgement line.
sub txn
{
	my ($role, $select, $ack) = @_;
	return "BEGIN;\nSET LOCAL ROLE $role;\n$select \\gset\nCOMMIT;\n\\echo ACK $ack :x $role\n";
}

# The script of workflow client $k: case after case, each concern through
# triage, and each referral through sending, acknowledgement, decision,
# outcome and closure.  A case's steps follow one another, so a client has
# at most one transaction in flight.  ACK lines: client, case number, step,
# concern id, referral id (0 if none), transaction id, acting role.
sub client_script
{
	my ($k) = @_;
	my $s = '';
	$s .= "SET synchronous_commit = off;\n" if $k % 2 == 0;
	$s .= "SELECT current_setting('synchronous_commit') AS sc \\gset\n\\echo SYNC :sc\n";
	for my $i (1 .. $cases)
	{
		my $person = $i % 4 == 0 ? 1 + ($i / 4) % $shared_adults : $k * 100000 + $i;
		# a shared adult lives in one authority, so the clients meet on its cases
		# (a case belongs to one authority since 1.4)
		my $la = $i % 4 == 0 ? 1 + $person % 2 : 1 + ($k + $i) % 2;
		my $officer = "t07_la$la";
		# a seventh of the concerns are the local authority's own, triaged there
		my $own = $i % 7 == 0;
		my $logger = $own ? $officer : $i % 2 ? 't07_cc' : 't07_insp';
		my $triager = $own ? $officer : 't07_insp';
		my $nhs = nhs_number($person);
		my $refer = !$own && $i % 5 != 0;
		my $decision = $i % 3 == 0 ? 'other_enquiry' : 'section_42_enquiry';
		$s .= txn(
			$logger, qq{SELECT safeguard.log_concern(now(), 'phone', 'relative',
    'T07 concern $k/$i', '{Neglect and Acts of Omission}', la_id => $la_id{$la},
    referrer_name => 'Ann Relative', referrer_phone => '07700 900123',
    adult_nhs_number => '$nhs', adult_name => 'Person $person') AS c, pg_current_xact_id() AS x},
			"$k $i log :c 0");
		$s .= txn(
			$triager, qq{SELECT coalesce(safeguard.triage_concern(:c, '@{[$refer ? 'refer_to_la' : 'no_referral']}',
    'T07 rationale', true, true, @{[$refer ? 'true' : 'false']}), 0) AS r, pg_current_xact_id() AS x},
			"$k $i triage :c :r");
		next unless $refer;
		# one referral in eleven is withdrawn from the send queue instead
		if ($i % 11 == 0)
		{
			$s .= txn('t07_admin', q{SELECT safeguard.withdraw_referral(:r, 'T07 duplicate') AS st, pg_current_xact_id() AS x},
				"$k $i withdraw :c :r");
			next;
		}
		my @steps = (
			[ 't07_cc', 'send', q{safeguard.send_referral(:r, 'secure_email')} ],
			[ $officer, 'acknowledge', qq{safeguard.acknowledge_referral(:r, la_reference => 'T07-$k-$i')} ],
			[ $officer, 'decide', qq{safeguard.decide_referral(:r, '$decision', 'T07 decision')} ],
			[ $officer, 'outcome', q{safeguard.record_referral_outcome(:r, 'Risk identified and action taken',
    'Risk reduced', lacked_capacity => 'No, they did not lack capacity', msp_asked => 'No')} ],
			[ $officer, 'close', q{safeguard.close_referral(:r, now(), 'phone')} ]);
		for my $st (@steps)
		{
			my ($role, $step, $call) = @$st;
			$s .= txn($role, "SELECT $call AS st, pg_current_xact_id() AS x", "$k $i $step :c :r");
		}
	}
	return $s . "\\echo DONE\n";
}

# The control client $k: unaudited inserts, committed asynchronously.
sub control_script
{
	my ($k) = @_;
	my $s = "SET synchronous_commit = off;\n";
	$s .= "INSERT INTO t07_plain SELECT $k, n FROM (SELECT $_ AS n, pg_sleep(0.002)) s;\n\\echo PLAIN $_\n"
	  for 1 .. 20 * $cases;
	return $s . "\\echo DONE\n";
}

my $tmp = PostgreSQL::Test::Utils::tempdir();
my (@acks, %sync, @plain);

# Starts the workflow clients @$ids and a control client, waits until every
# workflow client has committed audited work and together they have written
# $crash_after audit rows, then crashes the server.  Every client must have
# been cut off by the crash: none finished its script, none failed on
# anything but the lost connection.  Collects what the clients acknowledged.
sub crash_under_load
{
	my ($round, $ids, $crash_after) = @_;
	my $control = 100 + $round;
	my $audit_from = $node->safe_psql('postgres', 'SELECT coalesce(max(id), 0) FROM safeguard.audit_event');
	my %harness;
	for my $k (@$ids, $control)
	{
		my $file = "$tmp/client$k.sql";
		open my $fh, '>', $file or die "$file: $!";
		print $fh ($k == $control ? control_script($k) : client_script($k));
		close $fh;
		my $connstr = $node->connstr('postgres') . " user=t07_app application_name=t07_client$k";
		$harness{$k} = IPC::Run::start(
			[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $connstr, '-f', $file ],
			'>', "$tmp/client$k.out", '2>', "$tmp/client$k.err");
	}
	my $start = time;
	my $n = @$ids;
	ok( $node->poll_query_until(
			'postgres', qq{SELECT count(*) >= $crash_after AND count(DISTINCT application_name) = $n
	FROM safeguard.audit_event WHERE id > $audit_from AND application_name LIKE 't07_client%'}),
		"crash $round: clients @$ids are writing and have written $crash_after audit rows");
	my $busy = $node->safe_psql('postgres',
		q{SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 't07_client%' AND state <> 'idle'});
	$node->stop('immediate');
	note sprintf('crash %d: load ran %.1f s; %d client transactions active at the stop',
		$round, time - $start, $busy);

	my %by_sync = (on => 0, off => 0);
	for my $k (@$ids, $control)
	{
		$harness{$k}->finish;
		my $status = $? >> 8;
		my $out = slurp_file("$tmp/client$k.out");
		my $err = slurp_file("$tmp/client$k.err");
		ok($status != 0 && $out !~ /^DONE$/m && $err !~ /^(psql:\S+ )?ERROR:/m,
			"crash $round: client $k was cut off by the crash (exit status $status)")
		  or diag("client $k stderr: $err");
		if ($k == $control)
		{
			push @plain, map { [ $k, $_ ] } $out =~ /^PLAIN (\d+)$/mg;
			next;
		}
		($sync{$k}) = $out =~ /^SYNC (\S+)$/m;
		for my $line (split /\n/, $out)
		{
			next unless $line =~ /^ACK (\d+) (\d+) (\w+) (\d+) (\d+) (\d+) (\w+)$/;
			push @acks, [ $1, $2, $3, $4, $5, $6, $7, $round ];
			$by_sync{ $sync{$k} // 'unknown' }++;
		}
	}
	is_deeply([ map { $sync{$_} // 'unknown' } @$ids ], [ map { $_ % 2 ? 'on' : 'off' } @$ids ],
		"crash $round: the even clients ran with synchronous_commit = off");
	my %by_step;
	$by_step{ $_->[2] }++ for grep { $_->[7] == $round } @acks;
	note "crash $round: acknowledged transactions: "
	  . ($by_sync{on} + $by_sync{off})
	  . " ($by_sync{on} synchronous, $by_sync{off} with synchronous_commit = off); by step: "
	  . join(', ', map { "$_ $by_step{$_}" } sort keys %by_step);
	cmp_ok($by_sync{off}, '>', 0, "crash $round: clients with synchronous_commit = off had commits acknowledged");
	cmp_ok($by_step{close} // 0, '>', 0, "crash $round: referrals went the whole way to closed before the crash");
	$node->start;
	return;
}

# The path of a referral to each state, and the step that reaches it.
$node->safe_psql(
	'postgres', q{
CREATE TABLE t07_ack (client int, n int, step text, concern bigint, referral bigint, xid xid8, role text, crash int);
CREATE TABLE t07_path (state text PRIMARY KEY, step text, ord int, path text);
INSERT INTO t07_path VALUES ('awaiting_send', 'triage', 0, 'awaiting_send'),
	('sent', 'send', 1, 'awaiting_send,sent'), ('withdrawn', 'withdraw', 1, 'awaiting_send,withdrawn'),
	('acknowledged', 'acknowledge', 2, 'awaiting_send,sent,acknowledged'),
	('decided', 'decide', 3, 'awaiting_send,sent,acknowledged,decided'),
	('outcome_recorded', 'outcome', 4, 'awaiting_send,sent,acknowledged,decided,outcome_recorded'),
	('closed', 'close', 5, 'awaiting_send,sent,acknowledged,decided,outcome_recorded,closed');});

# Runs a query returning a count on the restarted node.
sub count_of { return $node->safe_psql('postgres', $_[0]); }

# Crash 1: four clients, two of them with synchronous_commit = off.  Crash
# 2: only clients with synchronous_commit = off (and the control), so no
# synchronous commit of another client flushes their WAL for them.  After
# each, everything acknowledged so far is checked.
my @rounds = ([ 1, [ 1 .. $clients ], $crash_after ], [ 2, [ 6, 8 ], $crash_after / 2 ]);
my $workflow_clients = 0;
for my $r (@rounds)
{
	my ($round, $ids) = @$r;
	crash_under_load(@$r);
	$workflow_clients += @$ids;
	my @new = grep { $_->[7] == $round } @acks;
	$node->safe_psql('postgres',
		'INSERT INTO t07_ack VALUES '
		  . join(",\n", map { "($_->[0], $_->[1], '$_->[2]', $_->[3], $_->[4], '$_->[5]', '$_->[6]', $_->[7])" } @new));
	check_after_crash($round);
}

# The checks after crash $round, over every acknowledgement so far.
sub check_after_crash
{
	my ($round) = @_;
	my $n_acks = @acks;
	my $n_off = grep { $_->[0] % 2 == 0 } @acks;
	# 1. Every acknowledged transaction committed, the synchronous_commit = off ones too.
	is( count_of(q{SELECT count(*) FROM t07_ack WHERE pg_xact_status(xid) = 'committed'}),
		$n_acks, "crash $round: every acknowledged transaction ($n_acks) is committed after the crash");
	is( count_of(
			q{SELECT count(*) FROM t07_ack WHERE client % 2 = 0 AND pg_xact_status(xid) = 'committed'}),
		$n_off, "crash $round: ... including every one acknowledged with synchronous_commit = off ($n_off)");

	# 2. Each acknowledged transaction's audit rows: the rows its step must write,
	# all under the acting role and the pooled login.
	my $expected_audit = q{
	SELECT a.xid, a.role, e.* FROM t07_ack a CROSS JOIN LATERAL (VALUES
	    ('concern', a.concern::text, 'INSERT', NULL, a.step = 'log'),
	    ('triage', a.concern::text, 'INSERT', NULL, a.step = 'triage'),
	    ('referral', a.referral::text, 'INSERT', 'awaiting_send', a.step = 'triage' AND a.referral <> 0),
	    ('referral', a.referral::text, 'UPDATE', (SELECT state FROM t07_path WHERE step = a.step), a.step NOT IN ('log', 'triage'))
	) e(table_name, row_key, action, to_state, applies) WHERE e.applies};
	is( count_of(
			qq{SELECT count(*) FROM ($expected_audit) x WHERE NOT EXISTS (
		SELECT FROM safeguard.audit_event e WHERE e.txid = x.xid AND e.table_name = x.table_name
		  AND e.row_key = x.row_key AND e.action = x.action AND e.to_state IS NOT DISTINCT FROM x.to_state
		  AND e.acting_role = x.role AND e.login_role = 't07_app')}),
		'0',
		"crash $round: every acknowledged transition has its audit row, with the acting role and the login");
	is( count_of(
			q{SELECT count(*) FROM safeguard.audit_event e JOIN t07_ack a ON a.xid = e.txid
		WHERE e.acting_role <> a.role OR e.login_role <> 't07_app'}),
		'0',
		"crash $round: no audit row of an acknowledged transaction names another actor");

	# 3. The rows are in the state the acknowledged transactions left them: each
	# stamped by its actor, and each referral at its last acknowledged state or,
	# when the crash came between COMMIT and the acknowledgement, one step on.
	is( count_of(
			q{SELECT count(*) FROM t07_ack a LEFT JOIN safeguard.concern c ON c.id = a.concern
		LEFT JOIN safeguard.triage t ON t.concern_id = a.concern
		LEFT JOIN safeguard.referral r ON r.id = a.referral
		WHERE CASE a.step
		    WHEN 'log' THEN c.logged_by IS DISTINCT FROM a.role::regrole
		    WHEN 'triage' THEN t.decided_by IS DISTINCT FROM a.role::regrole
		        OR (a.referral <> 0) IS DISTINCT FROM (r.id IS NOT NULL AND r.concern_id = a.concern AND r.created_by = a.role::regrole)
		    WHEN 'send' THEN r.sent_by IS DISTINCT FROM a.role::regrole
		    WHEN 'acknowledge' THEN r.acknowledged_by IS DISTINCT FROM a.role::regrole
		    WHEN 'decide' THEN r.decided_by IS DISTINCT FROM a.role::regrole
		    WHEN 'outcome' THEN r.outcome_by IS DISTINCT FROM a.role::regrole
		    WHEN 'close' THEN r.closed_by IS DISTINCT FROM a.role::regrole
		    WHEN 'withdraw' THEN r.withdrawn_by IS DISTINCT FROM a.role::regrole END}),
		'0',
		"crash $round: every acknowledged row is there, stamped with the role that acted");
	my $ahead = q{
	SELECT r.id, r.state::text AS state, p.state AS acked_state, rp.ord - p.ord AS ahead
	FROM (SELECT DISTINCT ON (referral) referral, step FROM t07_ack
	      WHERE referral <> 0 ORDER BY referral, (SELECT ord FROM t07_path WHERE t07_path.step = t07_ack.step) DESC) last
	JOIN t07_path p ON p.step = last.step
	JOIN safeguard.referral r ON r.id = last.referral
	JOIN t07_path rp ON rp.state = r.state::text};
	is(count_of("SELECT count(*) FROM ($ahead) x WHERE ahead NOT IN (0, 1)"),
		'0', "crash $round: every referral is at its last acknowledged state, or one step on");
	my $unacked = count_of("SELECT count(*) FROM ($ahead) x WHERE ahead = 1");
	cmp_ok($unacked, '<=', $workflow_clients,
		"crash $round: at most one committed but unacknowledged step per client cut off ($unacked)");

	# 4. Nothing half-done, over every workflow row (acknowledged or not): each
	# row's current version was written by the transaction of its newest audit
	# row, which records the row's current state; every audit row has its row.
	my $rows = q{
	SELECT 'concern' AS t, id::text AS k, xmin, NULL AS state FROM safeguard.concern
	UNION ALL SELECT 'triage', concern_id::text, xmin, NULL FROM safeguard.triage
	UNION ALL SELECT 'referral', id::text, xmin, state::text FROM safeguard.referral
	UNION ALL SELECT 'deadline', id::text, xmin, status::text FROM safeguard.deadline
	UNION ALL SELECT 'safeguarding_case', id::text, xmin, state::text FROM safeguard.safeguarding_case};
	my $newest = q{
	SELECT DISTINCT ON (table_name, row_key) table_name, row_key, txid, to_state
	FROM safeguard.audit_event
	WHERE table_name IN ('concern', 'triage', 'referral', 'deadline', 'safeguarding_case')
	ORDER BY table_name, row_key, chain_seq DESC};
	my ($nrows, $bad_rows) = split /\|/, count_of(
		qq{SELECT count(*), count(*) FILTER (WHERE n.txid IS NULL OR n.txid::text::xid <> w.xmin
		    OR n.to_state IS DISTINCT FROM w.state)
		FROM ($rows) w LEFT JOIN ($newest) n ON n.table_name = w.t AND n.row_key = w.k});
	is($bad_rows, '0',
		"crash $round: each of $nrows workflow rows was written with its newest audit row, which has its state");
	is( count_of(
			qq{SELECT count(*) FROM ($newest) n WHERE NOT EXISTS (
		SELECT FROM ($rows) w WHERE w.t = n.table_name AND w.k = n.row_key)}),
		'0',
		"crash $round: every audit row of a workflow table has its row");
	is( count_of(
			q{SELECT count(*) FROM safeguard.referral r
		JOIN t07_path p ON p.state = r.state::text
		WHERE (SELECT string_agg(coalesce(e.to_state, '-'), ',' ORDER BY e.chain_seq)
		       FROM safeguard.audit_event e WHERE e.table_name = 'referral' AND e.row_key = r.id::text)
		  IS DISTINCT FROM p.path}),
		'0',
		"crash $round: every referral's audit rows are exactly its path to its state");
	is( count_of(
			q{SELECT count(*) FROM safeguard.concern c
		JOIN safeguard.deadline d ON d.subject_table = 'concern' AND d.subject_id = c.id AND d.kind = 'triage'
		WHERE (d.status = 'open') = EXISTS (SELECT FROM safeguard.triage t WHERE t.concern_id = c.id)}),
		'0',
		"crash $round: a triage deadline is open exactly while its concern awaits triage");
	is( count_of(
			q{SELECT count(*) FROM safeguard.referral r
		WHERE (r.state <> 'awaiting_send') IS DISTINCT FROM (
		      SELECT bool_and(d.status <> 'open') FROM safeguard.deadline d
		      WHERE d.subject_table = 'referral' AND d.subject_id = r.id AND d.kind IN ('send', 'send_immediate'))
		   OR (r.state NOT IN ('awaiting_send', 'withdrawn')) IS DISTINCT FROM EXISTS (
		      SELECT FROM safeguard.deadline d
		      WHERE d.subject_table = 'referral' AND d.subject_id = r.id AND d.kind = 'la_acknowledgement')}),
		'0',
		"crash $round: a send deadline is open exactly while its referral awaits sending; the sent have their acknowledgement deadline");
	is( count_of(
			q{SELECT count(*) FROM safeguard.concern c
		WHERE (c.la_id = c.logged_org_id) IS DISTINCT FROM (c.description LIKE 'T07 concern %' AND c.logged_by::text LIKE 't07_la%')}),
		'0',
		"crash $round: the concerns logged by a local authority are the ones its officers logged");
	is( count_of(
			q{SELECT count(*) FROM safeguard.safeguarding_case s
		WHERE (s.state = 'closed') IS DISTINCT FROM (
		      NOT EXISTS (SELECT FROM safeguard.concern c WHERE c.case_id = s.id
		                  AND NOT EXISTS (SELECT FROM safeguard.triage t WHERE t.concern_id = c.id))
		  AND NOT EXISTS (SELECT FROM safeguard.referral r WHERE r.case_id = s.id
		                  AND r.state NOT IN ('closed', 'withdrawn')))}),
		'0',
		"crash $round: a case is closed exactly when all its concerns are triaged and its referrals closed");
	is(count_of('SELECT count(*) FROM safeguard.verify_audit()'),
		'0', "crash $round: verify_audit() finds every chain intact after the crash");

	my @mine = grep { $_->[0] == 100 + $round } @plain;
	my $plain_lost = @mine
	  ? count_of('SELECT count(*) FROM (VALUES ' . join(',', map { "($_->[0], $_->[1])" } @mine)
		  . ') v(k, n) WHERE NOT EXISTS (SELECT FROM t07_plain p WHERE p.client = v.k AND p.n = v.n)')
	  : 0;
	note "crash $round: control: " . scalar(@mine) . " unaudited asynchronous inserts acknowledged, "
	  . "$plain_lost of them lost in the crash";
	return;
}

# Clients met on shared cases: concerns of more than one client in one case.
my $shared = count_of(
	q{SELECT count(*) FROM (SELECT case_id FROM safeguard.concern WHERE description LIKE 'T07 concern %'
	GROUP BY case_id HAVING count(DISTINCT split_part(description, '/', 1)) > 1) s});
cmp_ok($shared, '>', 0, "$shared cases hold concerns logged by different clients");

# 5. The workflow goes on: each client's case cut off by the crash moves one
# step further (a concern awaiting triage is triaged, a referral goes to its
# next state), as the role holding the duty, and a new concern goes from
# logging to sending.
my @open = split /\n/, count_of(
	q{SELECT coalesce(r.id, 0) || ' ' || c.id || ' ' || coalesce(r.state::text, '') || ' '
	    || CASE WHEN c.la_id = (SELECT id FROM safeguard.organisation WHERE code = 'T07-LA1') THEN 't07_la1' ELSE 't07_la2' END
	FROM safeguard.concern c LEFT JOIN safeguard.referral r ON r.concern_id = c.id
	WHERE c.description LIKE 'T07 concern %'
	  AND (r.state IS NULL OR r.state NOT IN ('closed', 'withdrawn'))
	  AND (r.id IS NOT NULL OR NOT EXISTS (SELECT FROM safeguard.triage t WHERE t.concern_id = c.id))
	ORDER BY c.id});
cmp_ok(scalar(@open), '>', 0, scalar(@open) . ' cases were left in the middle by the crash');
my %next = (
	awaiting_send => [ 't07_cc', "safeguard.send_referral(%d, 'secure_email')" ],
	sent => [ 'officer', "safeguard.acknowledge_referral(%d)" ],
	acknowledged => [ 'officer', "safeguard.decide_referral(%d, 'section_42_enquiry', 'after the crash')" ],
	decided => [
		'officer', "safeguard.record_referral_outcome(%d, 'No risk identified and no action taken', "
		  . "lacked_capacity => 'No, they did not lack capacity', msp_asked => 'No')"
	],
	outcome_recorded => [ 'officer', "safeguard.close_referral(%d, now(), 'letter')" ]);
my $after = '';
for my $o (@open)
{
	my ($r, $c, $state, $officer) = split / /, $o;
	if ($r == 0)
	{
		$after .= "BEGIN; SET LOCAL ROLE t07_insp;\n"
		  . "SELECT safeguard.triage_concern($c, 'no_referral', 'after the crash', true, false, false);\nCOMMIT;\n";
		next;
	}
	my ($role, $call) = @{ $next{$state} };
	$role = $officer if $role eq 'officer';
	$after .= "BEGIN; SET LOCAL ROLE $role;\nSELECT " . sprintf($call, $r) . ";\nCOMMIT;\n";
}
$after .= qq{BEGIN; SET LOCAL ROLE t07_cc;
SELECT safeguard.log_concern(now(), 'email', 'professional', 'T07 after the crash',
    '{Physical Abuse}', la_id => $la_id{1}, referrer_name => 'Pat Nurse', referrer_phone => '01234 567890') AS c \\gset
COMMIT;
BEGIN; SET LOCAL ROLE t07_insp;
SELECT safeguard.triage_concern(:c, 'refer_to_la', 'after the crash', true, true, true) AS r \\gset
COMMIT;
BEGIN; SET LOCAL ROLE t07_cc;
SELECT 'new referral ' || safeguard.send_referral(:r, 'secure_email');
COMMIT;
};
my $audit_at_restart = count_of('SELECT max(id) FROM safeguard.audit_event');
my ($rc, $stdout, $stderr) = $node->psql('postgres', $after,
	extra_params => [ '-U', 't07_app', '-v', 'ON_ERROR_STOP=1' ]);
is($rc, 0, 'every interrupted case moves on after the restart, as the duty holder') or diag($stderr);
like($stdout, qr/^new referral sent$/m, 'a new concern is logged, triaged and its referral sent')
  or diag("stdout: $stdout\nstderr: $stderr\nscript: $after");
is( count_of(
		qq{SELECT count(DISTINCT txid) FROM safeguard.audit_event
	WHERE id > $audit_at_restart AND login_role = 't07_app'}),
	scalar(@open) + 3,
	'each of those transactions is audited');
is(count_of('SELECT count(*) FROM safeguard.verify_audit()'),
	'0', 'verify_audit() finds every chain intact after the work done since the restart');
is(count_of('SELECT safeguard.verify_audit_strict()'), 't', 'verify_audit_strict() agrees');

$node->stop;
done_testing();

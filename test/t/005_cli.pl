# safeguard-cli, the command-line tool in cli/: the installed binary run
# against a node, covering every subcommand's help, its exit statuses (usage 1,
# connection 2, bad input 3, permission 4, server 5, audit 6, local I/O 7) and
# its output: bank holidays imported from a gov.uk-shaped file, report views
# and the SAC return exported as CSV (to stdout and, atomically, to files),
# the dashboard over a referral left unsent in the send queue, and the audit
# check on an intact and then a tampered trail.
#
# The tool is found through pg_config --bindir ($ENV{PG_CONFIG} if set), so
# `make install` must have installed it.  Expected values come from the
# server (the same COPY or query run through psql as the same role), so the
# assertions follow the views' definitions and still fail on a wrong answer.
use strict;
use warnings;

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use SafeguardTest qw(preload_safeguard);

my $pg_config = $ENV{PG_CONFIG} // 'pg_config';
my $bindir = `$pg_config --bindir`;
chomp $bindir;
my $cli = "$bindir/safeguard-cli";
ok(-x $cli, "safeguard-cli is installed in $bindir")
  or BAIL_OUT("$cli not found: run make install first");

my $node = PostgreSQL::Test::Cluster->new('cli');
$node->init;
preload_safeguard($node);
# Every statement is logged with its application name, to see the tool's.
$node->append_conf(
	'postgresql.conf', q{
log_statement = 'all'
log_line_prefix = '[%a] '
});
$node->start;
my $tmp = PostgreSQL::Test::Utils::tempdir();

# Runs the tool with the node in PGHOST/PGPORT; returns (exit status, stdout, stderr).
# Options: user (PGUSER), port, dbname (PGDATABASE), stdin.
sub run_cli
{
	my ($args, %opt) = @_;
	my ($stdout, $stderr) = ('', '');
	my $stdin = $opt{stdin} // '';
	local %ENV = %ENV;
	$ENV{PGHOST} = $node->host;
	$ENV{PGPORT} = $opt{port} // $node->port;
	$ENV{PGDATABASE} = $opt{dbname} // 'postgres';
	$ENV{PGUSER} = $opt{user} if defined $opt{user};
	# PostgreSQL::Test::Utils sets PGAPPNAME, which would win over the tool's default.
	delete @ENV{qw(PGAPPNAME NO_COLOR)};
	IPC::Run::run([ $cli, @$args ], '<', \$stdin, '>', \$stdout, '2>', \$stderr);
	return ($? >> 8, $stdout, $stderr);
}

# Reads a whole file, or undef when it does not exist.
sub read_file
{
	my ($path) = @_;
	return undef unless -e $path;
	return slurp_file($path);
}

# Writes a file.
sub write_file
{
	my ($path, $content) = @_;
	open my $fh, '>', $path or die "cannot write $path: $!";
	print $fh $content;
	close $fh or die "cannot write $path: $!";
	return;
}

# The files left in a directory (temporary .part files included).
sub dir_entries
{
	my ($dir) = @_;
	opendir my $dh, $dir or die "cannot list $dir: $!";
	my @entries = sort grep { !/^\.\.?$/ } readdir $dh;
	closedir $dh;
	return @entries;
}

# What the server's own COPY gives for a query, as a role: the expected CSV.
sub server_csv
{
	my ($role, $query) = @_;
	my $csv = $node->safe_psql('postgres',
		"SET ROLE $role;\nCOPY ($query) TO STDOUT WITH (FORMAT csv, HEADER)");
	return "$csv\n";
}

#--------------------------------------------------------------------------
# Help, version and usage errors (no server needed)
#--------------------------------------------------------------------------
my ($rc, $out, $err) = run_cli(['--help']);
is($rc, 0, '--help exits 0');
like(
	$out,
	qr/^Commands:\n  import-holidays .*\n  export .*\n  sac .*\n  dashboard .*\n  verify .*\n/m,
	'--help lists every command');
like($out, qr/^Exit status:\n  0 .*\n  1 .*\n  2 .*\n  3 .*\n  4 .*\n  5 .*\n  6 .*\n  7 /m,
	'--help documents the exit statuses 0 to 7');

for my $cmd (qw(import-holidays export sac dashboard verify))
{
	($rc, $out, $err) = run_cli([ $cmd, '--help' ]);
	is($rc, 0, "$cmd --help exits 0");
	like($out, qr/^Usage:\n  safeguard-cli $cmd /m, "$cmd --help shows its usage");
	like($out, qr/^Exit status:$/m, "$cmd --help documents the exit statuses");
	is($err, '', "$cmd --help prints nothing on stderr");
	my ($rc2, $out2) = run_cli([ 'help', $cmd ]);
	is($out2, $out, "help $cmd is $cmd --help");
}

my ($control_version) = slurp_file('safeguard.control') =~ /^default_version = '(.*)'$/m;
($rc, $out) = run_cli(['--version']);
is($rc, 0, '--version exits 0');
is($out, "safeguard-cli (safeguard) $control_version\n",
	'--version names the version in safeguard.control');

($rc, $out, $err) = run_cli(['frobnicate']);
is($rc, 1, 'an unknown command exits 1');
like($err, qr/^safeguard-cli: unknown command "frobnicate"\nTry "safeguard-cli --help"/,
	'an unknown command is named, with where to find help');
($rc, $out, $err) = run_cli([]);
is($rc, 1, 'no command exits 1');
($rc, $out, $err) = run_cli([ 'export', '--no-such-option' ]);
is($rc, 1, 'an unknown option exits 1');
like($err, qr/unknown option "--no-such-option"/, 'the unknown option is named');
($rc, $out, $err) = run_cli([ 'export', '-o' ]);
is($rc, 1, 'an option without its value exits 1');
($rc, $out, $err) = run_cli(['import-holidays']);
is($rc, 1, 'import-holidays without FILE exits 1');
($rc, $out, $err) = run_cli(['sac']);
is($rc, 1, 'sac without YEAR exits 1');

#--------------------------------------------------------------------------
# Connections
#--------------------------------------------------------------------------
my $stopped_port = PostgreSQL::Test::Cluster::get_free_port();
($rc, $out, $err) = run_cli(['verify'], port => $stopped_port);
is($rc, 2, 'no server on the port: exits 2');
like($err, qr/^safeguard-cli: cannot connect to the database:/, 'and says it cannot connect');
($rc, $out, $err) = run_cli([ '-d', "host=$tmp/no-such-socket-dir port=5432", 'verify' ]);
is($rc, 2, 'a conninfo naming a host that does not exist: exits 2');
($rc, $out, $err) = run_cli([ 'verify', '-d', 'no_such_keyword=1' ]);
is($rc, 2, 'a malformed conninfo: exits 2');
like($err, qr/invalid connection option "no_such_keyword"/, 'libpq says why');

($rc, $out, $err) = run_cli(['verify']);
is($rc, 5, 'a database without the extension: exits 5');
like($err, qr/the safeguard extension is not installed in database "postgres"/,
	'and says the extension is missing');

#--------------------------------------------------------------------------
# The scenario: the regulator, a local authority and their people; a concern
# logged and referred on 10 January 2024 (clock pinned) and never sent, so
# its send deadline is long overdue and, after a sweep, escalated; one
# concern logged by the authority's own officer in the 2023-24 SAC year; and
# one logged and triaged an hour ago, for the last 12 months' indicators.
#--------------------------------------------------------------------------
$node->safe_psql(
	'postgres', q{
SET client_min_messages = warning;
CREATE EXTENSION safeguard;
CREATE ROLE t05_admin LOGIN;
CREATE ROLE t05_cc LOGIN;
CREATE ROLE t05_inspector LOGIN;
CREATE ROLE t05_la LOGIN;
CREATE ROLE t05_reader LOGIN;
CREATE ROLE t05_auditor LOGIN;
CREATE ROLE t05_nobody LOGIN;
INSERT INTO safeguard.organisation (kind, name, code)
VALUES ('regulator', 'T05 Care Quality Commission', 'T05-CQC');
INSERT INTO safeguard.organisation (kind, name, code, senior_contact_name, senior_contact_email)
VALUES ('local_authority', 'T05 Northshire County Council', 'T05-LA', 'Dana Whitfield',
        'dana.whitfield@t05.example');
SELECT safeguard.grant_duty(r::regrole, d::safeguard.duty,
    (SELECT id FROM safeguard.organisation WHERE code = 'T05-CQC'))
FROM (VALUES ('t05_admin', 'admin'), ('t05_cc', 'contact_centre'),
             ('t05_inspector', 'inspector'), ('t05_reader', 'reader'),
             ('t05_auditor', 'auditor')) AS g(r, d);
SELECT safeguard.grant_duty('t05_la', 'la_officer',
    (SELECT id FROM safeguard.organisation WHERE code = 'T05-LA'));
});
my $la_id = $node->safe_psql('postgres',
	q{SELECT id FROM safeguard.organisation WHERE code = 'T05-LA'});

my $referral_id = $node->safe_psql(
	'postgres', qq{
SET client_min_messages = warning;
SELECT safeguard.set_clock('2024-01-10 09:00+00') IS NOT NULL AS pinned \\gset
SET ROLE t05_inspector;
SELECT safeguard.log_concern('2024-01-10 08:30+00', 'phone', 'relative',
    'T05 bruising noticed at a visit.', '{Physical Abuse}', la_id => $la_id,
    referrer_name => 'Sam Relative', referrer_phone => '01234 567890',
    adult_nhs_number => '943 476 5919', adult_name => 'Mary Jones',
    adult_date_of_birth => '1938-05-14', adult_gender => 'Female') AS c \\gset
SELECT safeguard.triage_concern(:c, 'refer_to_la', 'Physical harm; the s42 duty is met.',
    true, true, true);
RESET ROLE;
SELECT safeguard.set_clock('2024-02-01 10:00+00') IS NOT NULL AS pinned \\gset
SET ROLE t05_la;
SELECT safeguard.log_concern('2024-02-01 09:30+00', 'email', 'professional',
    'T05 medication errors reported by a district nurse.', '{Neglect and Acts of Omission}',
    la_id => $la_id, referrer_name => 'Pat Nurse', referrer_email => 'pat.nurse\@example.nhs.uk')
    IS NOT NULL AS logged \\gset
RESET ROLE;
SELECT safeguard.set_clock(NULL) IS NOT NULL AS unpinned \\gset
SELECT safeguard.sweep() >= 3 AS swept \\gset
SET ROLE t05_inspector;
SELECT safeguard.log_concern(now() - interval '1 hour', 'web_form', 'member_of_public',
    'T05 a recent concern, for the indicators of the last 12 months.', '{Financial or Material Abuse}',
    la_id => $la_id, referrer_name => 'Alex Self', referrer_phone => '01234 567891') AS r \\gset
SELECT safeguard.triage_concern(:r, 'no_referral', 'Advice given; no s42 duty.', false, false, false)
    IS NULL AS no_referral \\gset
RESET ROLE;
});
like($referral_id, qr/^\d+$/, 'the inspector referred a concern to the local authority');
my $case_id = $node->safe_psql('postgres',
	"SELECT case_id FROM safeguard.referral WHERE id = $referral_id");
is( $node->safe_psql(
		'postgres', qq{SELECT count(*) FROM safeguard.deadlines_escalated
	WHERE subject_table = 'referral' AND subject_id = $referral_id}),
	'1',
	'its send deadline has been escalated');

#--------------------------------------------------------------------------
# import-holidays
#--------------------------------------------------------------------------
# A gov.uk-shaped document for 2029 (right after the shipped 2018-2028).
my $holidays_2029 = <<'JSON';
{"england-and-wales": {"division": "england-and-wales", "events": [
  {"title": "New Year’s Day", "date": "2029-01-01", "notes": "", "bunting": true},
  {"title": "Good Friday", "date": "2029-03-30", "notes": "", "bunting": false},
  {"title": "Easter Monday", "date": "2029-04-02", "notes": "", "bunting": true}]},
 "scotland": {"division": "scotland", "events": [
  {"title": "New Year’s Day", "date": "2029-01-01", "notes": "", "bunting": true},
  {"title": "2nd January", "date": "2029-01-02", "notes": "", "bunting": true}]}}
JSON
write_file("$tmp/holidays-2029.json", $holidays_2029);
my $count_2029 = q{SELECT count(*) FROM safeguard.bank_holiday WHERE day >= '2029-01-01'};

($rc, $out, $err) = run_cli([ 'import-holidays', "$tmp/holidays-2029.json" ]);
is($rc, 0, 'import-holidays exits 0');
is($out, "$tmp/holidays-2029.json: 5 bank holidays added\n", 'and says how many were added');
is($node->safe_psql('postgres', $count_2029), '5', 'the five holidays are in safeguard.bank_holiday');
is( $node->safe_psql(
		'postgres', q{SELECT title FROM safeguard.bank_holiday
	WHERE division = 'england-and-wales' AND day = '2029-01-01'}),
	'New Year’s Day',
	'with their titles, UTF-8 intact');
is( $node->safe_psql(
		'postgres', q{SELECT covered_to FROM safeguard.division WHERE division = 'scotland'}),
	'2029-12-31', 'coverage grew to the end of 2029');

($rc, $out, $err) = run_cli([ 'import-holidays', "$tmp/holidays-2029.json" ]);
is($rc, 0, 'importing the same file again exits 0');
is($out, "$tmp/holidays-2029.json: no new bank holidays (all already loaded)\n",
	'and adds nothing');

($rc, $out, $err) = run_cli(
	[ 'import-holidays', '-' ],
	stdin => '{"england-and-wales": {"events": [{"title": "New Year’s Day", "date": "2030-01-01"}]}}');
is($rc, 0, 'import-holidays - reads standard input');
is($out, "standard input: 1 bank holiday added\n", 'one holiday added from standard input');

($rc, $out, $err) = run_cli([ 'import-holidays', "$tmp/holidays-2029.json" ], user => 't05_admin');
is($rc, 0, 'a role with the admin duty may import');
($rc, $out, $err) = run_cli([ 'import-holidays', "$tmp/holidays-2029.json" ], user => 't05_nobody');
is($rc, 4, 'a role without it is refused: exits 4');
like($err, qr/permission denied .*\(SQLSTATE 42501\)/, 'with the SQLSTATE');

my $holidays_before = $node->safe_psql('postgres', 'SELECT count(*) FROM safeguard.bank_holiday');
($rc, $out, $err) = run_cli([ 'import-holidays', "$tmp/no-such-file.json" ]);
is($rc, 3, 'a missing file exits 3');
like($err, qr/cannot read \Q$tmp\E\/no-such-file\.json: No such file or directory/,
	'and names the file');
write_file("$tmp/empty.json", '');
($rc, $out, $err) = run_cli([ 'import-holidays', "$tmp/empty.json" ]);
is($rc, 3, 'an empty file exits 3');
like($err, qr/empty\.json is empty/, 'and says it is empty');
write_file("$tmp/not-json.json", "Bank holidays: 1 January, Good Friday\n");
($rc, $out, $err) = run_cli([ 'import-holidays', "$tmp/not-json.json" ]);
is($rc, 3, 'a file that is not JSON exits 3');
like($err, qr/invalid input syntax for type json \(SQLSTATE 22P02\)/,
	'with the server\'s JSON error and its SQLSTATE');
like($err, qr/not-json\.json was not imported: it is not a valid bank-holidays document/,
	'reported as a bad file');
write_file("$tmp/wrong-shape.json", '[{"date": "2029-05-07"}]');
($rc, $out, $err) = run_cli([ 'import-holidays', "$tmp/wrong-shape.json" ]);
is($rc, 3, 'JSON that is not a bank-holidays document exits 3');
like($err, qr/\(SQLSTATE SG106\)\nsafeguard-cli: DETAIL: /, 'with the SQLSTATE and the detail');
write_file("$tmp/gap.json",
	'{"england-and-wales": {"events": [{"title": "New Year", "date": "2033-01-01"}]}}');
($rc, $out, $err) = run_cli([ 'import-holidays', "$tmp/gap.json" ]);
is($rc, 3, 'a document that would leave a gap in the calendar exits 3');
write_file("$tmp/nul.json", "{\"a\":\0}");
($rc, $out, $err) = run_cli([ 'import-holidays', "$tmp/nul.json" ]);
is($rc, 3, 'a file with a NUL byte exits 3');
write_file("$tmp/huge.json", ' ' x (16 * 1024 * 1024 + 1));
($rc, $out, $err) = run_cli([ 'import-holidays', "$tmp/huge.json" ]);
is($rc, 3, 'a file over 16 MiB exits 3');
like($err, qr/huge\.json is too large/, 'and says it is too large');
unlink "$tmp/huge.json";
is($node->safe_psql('postgres', 'SELECT count(*) FROM safeguard.bank_holiday'),
	$holidays_before, 'no bad file changed the calendar');

#--------------------------------------------------------------------------
# export
#--------------------------------------------------------------------------
($rc, $out, $err) = run_cli([ 'export', '--list' ], user => 't05_reader');
is($rc, 0, 'export --list exits 0');
like(
	$out,
	qr/^report_send_queue +The contact centre's send queue/m,
	'it lists report_send_queue with its comment');
unlike($out, qr/^(send_queue|audit_event|case_overview)\b/m, 'and no view that is not a report');
my $report_views = $node->safe_psql(
	'postgres', q{SELECT string_agg(relname, ' ' ORDER BY relname) FROM pg_class
	WHERE relnamespace = 'safeguard'::regnamespace AND relkind = 'v' AND relname LIKE 'report\_%'});
is(join(' ', $out =~ /^(report_\w+)/mg),
	$report_views, 'it lists exactly the report views in the catalog');

for my $bad ('audit_event', 'send_queue', 'report_no_such_view', 'report_x"; DROP TABLE t; --')
{
	($rc, $out, $err) = run_cli([ 'export', $bad ]);
	is($rc, 3, "export of \"$bad\" exits 3");
	like($err, qr/"safeguard-cli export --list" shows the views/, '... and says how to list them');
	is($out, '', '... and writes nothing');
}

my $expected_queue = server_csv('t05_reader',
	'SELECT * FROM safeguard.report_send_queue');
my $columns = $node->safe_psql(
	'postgres', q{SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute
	WHERE attrelid = 'safeguard.report_send_queue'::regclass AND attnum > 0});
($rc, $out, $err) = run_cli([ 'export', 'report_send_queue' ], user => 't05_reader');
is($rc, 0, 'export report_send_queue exits 0');
my @lines = split /\n/, $out;
is($lines[0], $columns, 'the first line is the header: the view\'s columns');
is(scalar @lines, 2, 'then one row: the unsent referral');
like($lines[1], qr/^$referral_id,$case_id,$la_id,T05 Northshire County Council,/,
	'the row is the referral, its case and its local authority');
like($lines[1], qr/,t$/, 'marked overdue');
# age moves with the clock; every other column must be what the server's COPY gives.
my $no_age = sub { (my $csv = shift) =~ s/,\d+ days? [\d:.]+,/,AGE,/g; $csv };
is($no_age->($out), $no_age->($expected_queue), 'the CSV is what the server\'s COPY gives');
is($err, '', 'no progress on stderr when it is not a terminal');

($rc, $out, $err) = run_cli([ 'export', 'safeguard.report_send_queue', '--progress' ],
	user => 't05_reader');
is($rc, 0, 'a schema-qualified report view name is accepted');
is($err, "safeguard-cli: export report_send_queue: 1 row written to standard output\n",
	'--progress reports the rows written at the end');
($rc, $out, $err) = run_cli([ 'export', 'report_send_queue', '--progress', '--quiet' ],
	user => 't05_reader');
is($err, '', '--quiet silences --progress');

my $dir = "$tmp/exports";
mkdir $dir or die "mkdir $dir: $!";
($rc, $out, $err) = run_cli([ 'export', 'report_send_queue', '-o', "$dir/queue.csv" ],
	user => 't05_reader');
is($rc, 0, 'export -o FILE exits 0');
is($out, '', 'and writes nothing on stdout');
is($no_age->(read_file("$dir/queue.csv") // ''),
	$no_age->($expected_queue), 'the file holds the CSV');
is((stat "$dir/queue.csv")[2] & 07777, 0600, 'readable by its owner only');
is(join(' ', dir_entries($dir)), 'queue.csv', 'no temporary file is left behind');

write_file("$dir/kept.csv", "previous export\n");
($rc, $out, $err) = run_cli([ 'export', 'report_send_queue', '-o', "$dir/kept.csv" ],
	user => 't05_nobody');
is($rc, 4, 'an export the server refuses exits 4');
like($err, qr/permission denied for view report_send_queue \(SQLSTATE 42501\)/,
	'with the server\'s message and SQLSTATE');
is(read_file("$dir/kept.csv"), "previous export\n", 'a failed export leaves the old file as it was');
($rc, $out, $err) = run_cli([ 'export', 'report_send_queue', '-o', "$dir/denied.csv" ],
	user => 't05_nobody');
is($rc, 4, 'a refused export to a new file exits 4');
ok(!-e "$dir/denied.csv", 'and leaves no file');
is(join(' ', dir_entries($dir)), 'kept.csv queue.csv', 'nor any temporary file');

($rc, $out, $err) = run_cli([ 'export', 'report_send_queue', '-o', "$dir/no/such/dir/q.csv" ],
	user => 't05_reader');
is($rc, 7, 'an output file that cannot be created exits 7');
like($err, qr/cannot create a temporary file next to/, 'and says so');

#--------------------------------------------------------------------------
# sac
#--------------------------------------------------------------------------
for my $bad ('1999', '2101', '20x4', '+2024', ' 2024', '2024.0', '')
{
	($rc, $out, $err) = run_cli([ 'sac', $bad ]);
	is($rc, 3, "sac with year \"$bad\" exits 3");
	like($err, qr/YEAR must be a year from 2000 to 2100/, '... and says what a year is');
}
($rc, $out, $err) = run_cli([ 'sac', '2023', '--la', '1 OR true' ]);
is($rc, 3, 'sac --la with something other than an id exits 3');

my $sac_header = 'LA_ID,CASSR_CODE,ONS_CODE,TABLE_REFERENCE,ENQUIRY_TYPE,CATEGORY,SUBCATEGORY,COLUMN_NAME,ROW_NAME,VALUE';
($rc, $out, $err) = run_cli([ 'sac', '2023' ], user => 't05_reader');
is($rc, 0, 'sac 2023 exits 0');
like($out, qr/^\Q$sac_header\E\n/, 'the header has the published column names');
is($out, server_csv('t05_reader', 'SELECT * FROM safeguard.sac_return(2023, false)'),
	'the CSV is sac_return(2023, false)');
# The authority's own concern of February 2024 is the year's one concern
# (the regulator's referral was never sent, so it never reached the authority).
like($out, qr/^$la_id,,,SG1f,Safeguarding Concerns,Total Number of Safeguarding Concerns,"",SG1f Total Number of Safeguarding Concerns,SG1f Total Number of Safeguarding Concerns,1$/m,
	'one concern reached the authority in 2023-24 (SG1f)');
my $plain = $out;
($rc, $out, $err) = run_cli([ 'sac', '2023', '--disclosure-control' ], user => 't05_reader');
is($rc, 0, 'sac --disclosure-control exits 0');
is($out, server_csv('t05_reader', 'SELECT * FROM safeguard.sac_return(2023, true)'),
	'the CSV is sac_return(2023, true)');
isnt($out, $plain, 'which is not the return without disclosure control');
($rc, $out, $err) = run_cli([ 'sac', '2023', '--la', $la_id, '-o', "$dir/sac.csv" ],
	user => 't05_reader');
is($rc, 0, 'sac --la ID -o FILE exits 0');
is(read_file("$dir/sac.csv"),
	server_csv('t05_reader', "SELECT * FROM safeguard.sac_return(2023, false, $la_id)"),
	'the file is sac_return(2023, false, la_id)');
($rc, $out, $err) = run_cli([ 'sac', '2023' ], user => 't05_nobody');
is($rc, 4, 'sac as a role without a reporting duty exits 4');

#--------------------------------------------------------------------------
# dashboard
#--------------------------------------------------------------------------
($rc, $out, $err) = run_cli(['dashboard'], user => 't05_cc');
is($rc, 0, 'dashboard exits 0');
like($out, qr/^safeguard dashboard: database postgres, role t05_cc, /, 'it says where and as whom');
like($out, qr/^Send queue\n  waiting:  1\n  overdue:  1\n  oldest:   \d+d \d\dh\n/m,
	'the send queue: one referral waiting, overdue, and its age');
my ($overdue, $escalated) = split /\n/, $node->safe_psql(
	'postgres', q{SET ROLE t05_cc;
SELECT count(*) FROM safeguard.deadlines_overdue;
SELECT count(*) FROM safeguard.deadlines_escalated});
like($out, qr/^Overdue deadlines\n  count:    $overdue\n  most overdue:\n/m,
	"the contact centre's organisation's overdue deadlines: $overdue");
like($out, qr/^ +\d+  send +referral $referral_id +$case_id  T05 Care Quality Commission /m,
	'listed: the referral\'s send deadline');
like($out, qr/^Escalated deadlines\n  count:    $escalated\n  most overdue:\n/m,
	"the escalated deadlines it may see: $escalated");
like($out, qr/^Escalated deadlines\n(?:  .*\n)*? +\d+  send +referral $referral_id .* \d{4}-\d\d-\d\d \d\d:\d\d\n/m,
	'listed: the referral\'s send deadline, with when it was escalated');
like($out, qr/^Indicators\n  indicator +measured +in_time +in time % +median working days\n/m,
	'the indicators from report_kpi');
my $kpi = $node->safe_psql('postgres',
	"SET ROLE t05_cc; SELECT indicator || ' ' || measured FROM safeguard.report_kpi");
for my $row (split /\n/, $kpi)
{
	my ($indicator, $measured) = split / /, $row;
	like($out, qr/^  \Q$indicator\E +$measured /m, "indicator $indicator: $measured measured");
}
unlike($out, qr/\e\[/, 'no colours when stdout is not a terminal');

($rc, $out, $err) = run_cli(['dashboard'], user => 't05_nobody');
is($rc, 4, 'dashboard for a role that may read none of it exits 4');
like($out, qr/^Send queue\n  not permitted: permission denied for view send_queue$/m,
	'each section says it is not permitted');

# A database still at safeguard 1.0 has no report_kpi and no sac_return().
$node->safe_psql('postgres', 'CREATE DATABASE old_safeguard');
$node->safe_psql('old_safeguard',
	"SET client_min_messages = warning; CREATE EXTENSION safeguard VERSION '1.0'");
($rc, $out, $err) = run_cli(['dashboard'], dbname => 'old_safeguard');
is($rc, 0, 'dashboard on safeguard 1.0 exits 0');
like($out, qr/^Indicators\n  indicators: not available\n/m,
	'without report_kpi: "indicators: not available"');
($rc, $out, $err) = run_cli([ 'sac', '2023' ], dbname => 'old_safeguard');
is($rc, 5, 'sac on safeguard 1.0 exits 5');
like($err, qr/has no sac_return/, 'and says the function is missing');

#--------------------------------------------------------------------------
# verify
#--------------------------------------------------------------------------
($rc, $out, $err) = run_cli(['verify'], user => 't05_auditor');
is($rc, 0, 'verify on an intact trail exits 0');
my ($rows, $chains) = $node->safe_psql('postgres',
	q{SELECT count(*) || ' ' || count(DISTINCT chain_key) FROM safeguard.audit_event}) =~ /(\d+) (\d+)/;
is($out, "audit trail intact: $rows rows in $chains chains verified\n",
	'and says how many rows and chains it verified');
my $digest = $node->safe_psql('postgres', 'SELECT safeguard.audit_digest()');
($rc, $out, $err) = run_cli([ 'verify', '--digest', $digest ], user => 't05_auditor');
is($rc, 0, 'verify --digest with the current digest exits 0');
like($out, qr/, digest matches\n$/, 'and says the digest matches');
($rc, $out, $err) = run_cli([ 'verify', '--digest', 'not-a-digest' ], user => 't05_auditor');
is($rc, 3, 'verify with a malformed digest exits 3');
like($err, qr/\(SQLSTATE SG402\)/, 'with the SQLSTATE');
($rc, $out, $err) = run_cli(['verify'], user => 't05_nobody');
is($rc, 4, 'verify as a role without the audit duties exits 4');
like($err, qr/permission denied for function verify_audit \(SQLSTATE 42501\)/,
	'with the server\'s message and SQLSTATE');

# The -d connection string wins over the environment (here: a wrong port).
($rc, $out, $err) = run_cli(
	[ '-d', 'host=' . $node->host . ' port=' . $node->port . ' user=t05_auditor', 'verify' ],
	port => $stopped_port);
is($rc, 0, '-d overrides PGPORT');
ok(slurp_file($node->logfile) =~ /^\[safeguard-cli\] LOG:  statement: SELECT pg_catalog.set_config/m,
	'the session runs as application safeguard-cli (fallback_application_name)');

# A superuser tampers with the trail as 07_audit_chain does (the guard
# trigger disabled, which is itself audited): the chain no longer verifies.
$node->safe_psql(
	'postgres', qq{
BEGIN;
ALTER TABLE safeguard.audit_event DISABLE TRIGGER audit_guard;
UPDATE safeguard.audit_event SET acting_role = 'someone_else'
 WHERE id = (SELECT min(id) FROM safeguard.audit_event WHERE table_name = 'triage');
ALTER TABLE safeguard.audit_event ENABLE TRIGGER audit_guard;
COMMIT;
});
my $broken = $node->safe_psql('postgres',
	q{SELECT chain_key || ' ' || chain_seq || ' ' || audit_id FROM safeguard.verify_audit()});
like($broken, qr/^case:$case_id \d+ \d+$/, 'the server finds the case chain broken');
my ($chain, $seq, $audit_id) = split / /, $broken;
($rc, $out, $err) = run_cli(['verify'], user => 't05_auditor');
is($rc, 6, 'verify on a tampered trail exits 6');
like($out, qr/^audit trail BROKEN: 1 problem found/, 'it says the trail is broken');
like($out, qr/^  \Q$chain\E +$seq +$audit_id  .*altered/m,
	'and names the chain, position and audit row');
like($err, qr/the audit trail failed verification/, 'and says so on stderr');

$node->stop;
done_testing();

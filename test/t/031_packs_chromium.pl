# The packs (issue 17 items 3-4) as a browser shows them: safeguard-cli writes the
# case-tracking pack (as the authority's SAM) and the performance clinic pack (as its
# reader) over the council pathway's seeded journeys (test/pgtap/lib/packs_seed.sql); headless
# Debian chromium renders the clinic report and a case page (--dump-dom, and a screenshot);
# the rendered pages must have the expected charts (inline SVG with their titles and
# labels) and the expected numbers, each computed here independently with SQL from the
# tables (deadlines met and breached, enquiries open and allocated), not from the views the
# tool reads.  The files must need nothing but the browser: no script, no network address.
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
my $chromium = `sh -c 'command -v chromium'`;
chomp $chromium;
ok($chromium ne '', 'chromium is installed (scripts/deps installs it)')
  or BAIL_OUT('chromium not found: run scripts/deps');

my $node = PostgreSQL::Test::Cluster->new('packs');
$node->init;
preload_safeguard($node);
$node->start;
my $tmp = PostgreSQL::Test::Utils::tempdir();
my $lib = "$FindBin::RealBin/../pgtap/lib";

$node->safe_psql('postgres', 'CREATE EXTENSION safeguard CASCADE');
my $seed = <<"EOF";
\\set fixture T31
\\set clock '2025-01-02 10:00+00'
\\set orgs 'cqc=regulator laa=local_authority lab=local_authority'
\\set cast 'sg31_reader=reader\@laa sg31_sam_b=sam\@lab'
\\i $lib/fixtures.sql
\\set pfx sg31
\\i $lib/packs_seed.sql
EOF
$node->safe_psql('postgres', $seed);
my $laa = $node->safe_psql('postgres', "SELECT id FROM safeguard.organisation WHERE code = 'T31-LAA'");

# Runs the tool as a role; returns (exit status, stdout, stderr).
sub run_cli
{
	my ($user, @args) = @_;
	my ($stdout, $stderr) = ('', '');
	local %ENV = %ENV;
	$ENV{PGHOST} = $node->host;
	$ENV{PGPORT} = $node->port;
	$ENV{PGDATABASE} = 'postgres';
	$ENV{PGUSER} = $user;
	delete $ENV{PGAPPNAME};
	IPC::Run::run([ $cli, @args ], '<', \'', '>', \$stdout, '2>', \$stderr);
	return ($? >> 8, $stdout, $stderr);
}

# Renders a file in headless chromium: --dump-dom returns the DOM; --screenshot writes a PNG.
sub chromium
{
	my ($file, @mode) = @_;
	my $profile = PostgreSQL::Test::Utils::tempdir();
	my ($stdout, $stderr) = ('', '');
	IPC::Run::run(
		[
			$chromium, '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
			'--no-first-run', '--disable-background-networking', '--disable-component-update',
			'--disable-sync', "--user-data-dir=$profile", @mode, "file://$file"
		],
		'<', \'', '>', \$stdout, '2>', \$stderr,
		IPC::Run::timeout(120));
	return $stdout;
}

# One value per line from a query.
sub column
{
	my ($sql) = @_;
	return split /\n/, $node->safe_psql('postgres', $sql);
}

#
# The case-tracking pack
#
my ($rc, $out, $err) = run_cli('sg31_sam', 'pack', 'case-tracking', "--la=$laa", '--from=2025-01-01',
	'--to=2025-03-31', '--seed=20250331', "--out=$tmp/tracking");
is($rc, 0, 'the SAM writes the case-tracking pack') or diag($err);
my $pack = $node->safe_psql('postgres', 'SELECT max(id) FROM safeguard.tracking_pack');
is($node->safe_psql('postgres', "SELECT seed FROM safeguard.tracking_pack WHERE id = $pack"),
	'20250331', 'the pack it drew is recorded with its seed');
ok(-f "$tmp/tracking/index.html" && -f "$tmp/tracking/pack.csv", 'an index and a CSV');
is(scalar(grep { -f "$tmp/tracking/case-" . sprintf('%02d', $_) . '.html' } 1 .. 10),
	10, 'one page per case, ten cases');
my $csv = slurp_file("$tmp/tracking/pack.csv");
my @csv_lines = split /\n/, $csv;
# every step the tables hold for the drawn enquiries, counted from the tables themselves
my $steps = $node->safe_psql(
	'postgres', qq{
	SELECT sum(1 + 1 + (e.allocated_at IS NOT NULL)::int + (e.started_at IS NOT NULL)::int
	           + (e.concluded_at IS NOT NULL)::int + (e.closed_at IS NOT NULL)::int
	           + (SELECT count(*) FROM safeguard.la_enquiry_strategy s WHERE s.enquiry_id = e.id)
	           + (SELECT count(*) FROM safeguard.la_enquiry_plan p WHERE p.enquiry_id = e.id)
	           + (SELECT count(*) FROM safeguard.la_enquiry_plan_review r WHERE r.enquiry_id = e.id))
	FROM safeguard.tracking_pack_case c JOIN safeguard.la_enquiry e ON e.id = c.enquiry_id
	WHERE c.pack_id = $pack});
is(scalar(@csv_lines) - 1, $steps, "the CSV has one line per step of the ten journeys ($steps)");
unlike(join('', map { slurp_file("$tmp/tracking/case-" . sprintf('%02d', $_) . '.html') } 1 .. 10),
	qr/sg31_/, 'no login name appears in the default form');

my $case1 = $node->safe_psql('postgres',
	"SELECT enquiry_id FROM safeguard.tracking_pack_case WHERE pack_id = $pack AND position = 1");
my $dom = chromium("$tmp/tracking/case-01.html", '--dump-dom');
like($dom, qr/<h1>Case 1 of case-tracking pack $pack: enquiry $case1<\/h1>/,
	'chromium renders case 1 with its enquiry');
my $rows = () = $dom =~ /<tr><td>\d{4}-\d\d-\d\d \d\d:\d\d<\/td>/g;
my $case1_steps = () = grep { /^1,/ } @csv_lines;
is($rows, $case1_steps, "its journey table has one row per step ($rows)");
like($dom, qr/safeguarding officer, (North|South)/, 'who acted, by duty and team');
my @decided = column("SELECT d.rationale FROM safeguard.la_enquiry e JOIN safeguard.concern_decision d "
	  . "ON d.concern_id = e.concern_id WHERE e.id = $case1");
like($dom, qr/\Q$decided[0]\E/, 'the decision with its rationale');
my $index = chromium("$tmp/tracking/index.html", '--dump-dom');
is(scalar(() = $index =~ /<td>random sample<\/td>/g), 6, 'the index marks the random six');
is(scalar(() = $index =~ /<td>reserve<\/td>/g), 4, '... and the reserve of four');

#
# The performance clinic pack
#
($rc, $out, $err) = run_cli('sg31_reader', 'pack', 'clinic', "--la=$laa", '--from=2025-01-01',
	'--to=2025-03-31', "--out=$tmp/clinic.html");
is($rc, 0, 'the authority\'s reader writes the clinic pack') or diag($err);
my $html = slurp_file("$tmp/clinic.html");
unlike($html, qr/<script|<link|<img|<iframe|\b(?:src|href)="https?:/i,
	'the report is self-contained: no script, no external file, no network address');
$dom = chromium("$tmp/clinic.html", '--dump-dom');
my @charts = $dom =~ /<svg[^>]* data-chart="([^"]+)"/g;
is_deeply(\@charts,
	[qw(chart-decision chart-conclusion chart-feedback chart-caseload chart-team chart-source)],
	'chromium renders four core indicators and two breakdowns as SVG charts');
for my $id (@charts)
{
	like($dom, qr/<svg[^>]* data-chart="$id"[^>]*>\s*<title id="$id-title">[^<]+<\/title>/,
		"$id has a title");
	like($dom, qr/<table class="chart-data" data-chart="$id">/, "$id has its numbers in a table");
}

# The in-time percentages by month received, from the deadlines as judged.
my %stage_deadline = (
	'chart-decision' => [ 'concern', 'triage', 'c.id' ],
	'chart-conclusion' => [ 'la_enquiry', 'enquiry_conclusion', 'e.id' ],
	'chart-feedback' => [ 'la_enquiry', 'enquiry_feedback', 'e.id' ]);
for my $id (sort keys %stage_deadline)
{
	my ($table, $kind, $key) = @{ $stage_deadline{$id} };
	my @expected = column(
		qq{SELECT to_char(m, 'YYYY-MM') || '=' || coalesce(to_char(round(100.0 * count(*) FILTER (WHERE d.status = 'met')
		          / NULLIF(count(d.id), 0), 1), 'FM990.0') || '%', 'no data')
		   FROM generate_series(timestamp '2025-01-01', timestamp '2025-03-01', interval '1 month') m
		   LEFT JOIN (safeguard.concern c JOIN safeguard.concern_decision cd ON cd.concern_id = c.id
		              LEFT JOIN safeguard.la_enquiry e ON e.concern_id = c.id
		              JOIN safeguard.deadline d ON d.subject_table = '$table' AND d.subject_id = $key
		                   AND d.kind = '$kind' AND d.status IN ('met', 'breached'))
		     ON c.la_id = $laa AND date_trunc('month', c.received_at AT TIME ZONE 'Europe/London') = m
		   GROUP BY m ORDER BY m});
	# the bars of this chart only
	my ($svg) = $dom =~ /(<svg[^>]* data-chart="$id".*?<\/svg>)/s;
	my @got;
	while ($svg =~ /<rect class="bar" data-label="(\d{4}-\d\d)" data-series="In time" data-value="([^"]+)"/g)
	{
		push @got, "$1=$2";
	}
	is_deeply(\@got, \@expected, "$id: the in-time percentage of each month (@expected)");
	my $in_text = () = $svg =~ /<text class="value"[^>]*>[0-9.]+%<\/text>/g;
	ok($in_text >= 1, "$id: the values are written on the bars");
}

# The caseload at each month's end, from the enquiries' own instants.
my @caseload = column(
	qq{SELECT to_char(m, 'YYYY-MM') || '=' || count(e.id) FILTER (WHERE e.decided_at < x.end_at
	          AND (e.closed_at IS NULL OR e.closed_at >= x.end_at)) || '/'
	          || count(e.id) FILTER (WHERE e.decided_at < x.end_at AND (e.closed_at IS NULL OR e.closed_at >= x.end_at)
	             AND (e.allocated_at IS NULL OR e.allocated_at >= x.end_at))
	   FROM generate_series(timestamp '2025-01-01', timestamp '2025-03-01', interval '1 month') m
	   CROSS JOIN LATERAL (SELECT (m + interval '1 month') AT TIME ZONE 'Europe/London' AS end_at) x
	   LEFT JOIN safeguard.la_enquiry e ON e.la_id = $laa
	   GROUP BY m ORDER BY m});
my ($svg) = $dom =~ /(<svg[^>]* data-chart="chart-caseload".*?<\/svg>)/s;
my %bars;
while ($svg =~ /<rect class="bar" data-label="([^"]+)" data-series="([^"]+)" data-value="([^"]+)"/g)
{
	$bars{$1}{$2} = $3;
}
is_deeply([ map { "$_=$bars{$_}{Open}/$bars{$_}{'Unallocated (the virtual worker)'}" } sort keys %bars ],
	\@caseload, "chart-caseload: open / unallocated at each month's end (@caseload)");

# The decisions by team, in and out of time.
my @teams = column(
	qq{SELECT cd.decided_team || '=' || count(*) FILTER (WHERE d.status = 'met') || '/' || count(*) FILTER (WHERE d.status = 'breached')
	   FROM safeguard.concern c JOIN safeguard.concern_decision cd ON cd.concern_id = c.id
	   JOIN safeguard.deadline d ON d.subject_table = 'concern' AND d.subject_id = c.id AND d.kind = 'triage'
	   WHERE c.la_id = $laa AND c.received_at < '2025-04-01 00:00+01'
	   GROUP BY cd.decided_team ORDER BY cd.decided_team});
($svg) = $dom =~ /(<svg[^>]* data-chart="chart-team".*?<\/svg>)/s;
%bars = ();
while ($svg =~ /<rect class="bar" data-label="([^"]+)" data-series="([^"]+)" data-value="([^"]+)"/g)
{
	$bars{$1}{$2} = $3;
}
is_deeply([ map { "$_=$bars{$_}{'In time'}/$bars{$_}{'Out of time'}" } sort keys %bars ],
	\@teams, "chart-team: decisions in and out of time by team (@teams)");
($svg) = $dom =~ /(<svg[^>]* data-chart="chart-source".*?<\/svg>)/s;
like($svg, qr/<text class="category"[^>]*>ambulance service<\/text>/, 'chart-source names the ambulance service');
like($dom, qr/<table class="data-quality">/, 'the data-quality counts are in the report');

# A screenshot, to look at.
chromium("$tmp/clinic.html", '--screenshot=' . "$tmp/clinic.png", '--window-size=1100,2600',
	'--hide-scrollbars');
ok(-s "$tmp/clinic.png" > 20000, 'chromium takes a screenshot of the clinic report');
if (my $keep = $ENV{SAFEGUARD_PACKS_KEEP})
{
	system('cp', '-r', "$tmp/clinic.html", "$tmp/clinic.png", "$tmp/tracking", $keep);
}

#
# Refusals through the tool
#
($rc, $out, $err) = run_cli('sg31_sam_b', 'pack', 'case-tracking', "--la=$laa", '--from=2025-01-01',
	'--to=2025-03-31', "--out=$tmp/other");
is($rc, 4, 'the SAM of another authority is refused (exit 4)');
($rc, $out, $err) = run_cli('sg31_sam', 'pack', 'case-tracking', "--la=$laa", '--from=2024-01-01',
	'--to=2024-12-31', "--out=$tmp/empty");
is($rc, 3, 'a period with no enquiry is bad input (exit 3, SG913)');
like($err, qr/SG913|no enquiry/, '... and says why');
($rc, $out, $err) = run_cli('sg31_sam', 'pack', 'clinic', "--la=x1", '--from=2025-01-01', '--to=2025-03-31',
	"--out=$tmp/x.html");
is($rc, 1, 'an id that is no number is a usage error');

done_testing();

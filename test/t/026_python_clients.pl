# Analysts' Python clients: psycopg2 and pandas read the reporting views
# without parsing (issue 18, item 2).
#
# psycopg2 (and so pandas.read_sql; R's RPostgres likewise) knows text[] but
# not the array type of an extension's enum: a sac_risk_type[] column would
# arrive as the string '{"Neglect and Acts of Omission"}'.  A cluster with
# safeguard preloaded holds casework replayed by the seeded generator through
# the real workflow; a login role holding the reader duty at the regulator
# (an analyst of the performance team) runs test/t/python/read_reports.py,
# which reads every view it may SELECT with a psycopg2 cursor and with
# pandas.read_sql, and fails (exit 1, "FAIL: ..." on stderr) if any value
# arrives as an unparsed '{...}' string, if an array column is not a list of
# str, or if pandas' row count differs from the cursor's.  This test checks
# its exit status and output, and that each view's row count is psql's.
use strict;
use warnings;

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use SafeguardTest qw(preload_safeguard);

my $script = "$FindBin::RealBin/python/read_reports.py";
# The interpreter for which scripts/deps installs python3-psycopg2 and
# python3-pandas: Debian's, not whichever python3 comes first in PATH (a
# pyenv or virtualenv one lacks them).  SAFEGUARD_PYTHON3 overrides it.
my $python = $ENV{SAFEGUARD_PYTHON3} // (-x '/usr/bin/python3' ? '/usr/bin/python3' : 'python3');

my $node = PostgreSQL::Test::Cluster->new('analyst');
$node->init;
preload_safeguard($node);
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE casework');
$node->safe_psql('casework',
	"SET client_min_messages = warning;\nCREATE EXTENSION safeguard;\n"
	  . slurp_file('test/generator/generator.sql')
	  . "\nSELECT sg_gen.setup();\n"
	  . "SELECT sg_gen.plan(20260, 150, '2024-10-01', '2026-01-30');\n"
	  . "SELECT sg_gen.execute('2025-11-03 12:00+00');\n");

# The analyst: a login role with the reader duty at the regulator.
$node->safe_psql(
	'casework', q{
CREATE ROLE t026_analyst LOGIN;
SELECT safeguard.grant_duty('t026_analyst', 'reader',
    (SELECT id FROM safeguard.organisation WHERE code = 'GEN-CQC'));
});
my $referrals = $node->safe_psql('casework',
	'SELECT count(*) FROM safeguard.referral_pseudonymised',
	extra_params => [ '-U', 't026_analyst' ]);
ok($referrals > 0, "the analyst reads $referrals referrals in referral_pseudonymised");
note('referral_pseudonymised.risk_types is '
	  . $node->safe_psql('casework',
		q{SELECT format_type(atttypid, atttypmod) FROM pg_attribute
		  WHERE attrelid = 'safeguard.referral_pseudonymised'::regclass AND attname = 'risk_types'}));

my $dsn = sprintf('host=%s port=%d dbname=casework user=t026_analyst', $node->host, $node->port);
my ($stdout, $stderr) = ('', '');
my $ok = IPC::Run::run([ $python, $script, $dsn ], '>', \$stdout, '2>', \$stderr);
note("read_reports.py stdout:\n$stdout");
note("read_reports.py stderr:\n$stderr") if $stderr ne '';
ok($ok, 'read_reports.py exits 0 (psycopg2 and pandas read every reader view without parsing)')
  or diag($stderr);
unlike($stderr, qr/FAIL/, 'no check of read_reports.py failed');
like($stdout, qr/^ok$/m, 'read_reports.py finished its checks');
like($stdout, qr/^risk_types lists [1-9]\d*$/m,
	'referral_pseudonymised.risk_types arrived as non-empty Python lists');

# Every view the reader may SELECT was read, with psql's row count.
my @views = split /\n/,
  $node->safe_psql(
	'casework', q{SELECT c.relname FROM pg_class c
	  WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relkind = 'v'
	    AND has_table_privilege(c.oid, 'SELECT') ORDER BY 1},
	extra_params => [ '-U', 't026_analyst' ]);
ok(scalar(grep { /^report_/ } @views) >= 10, 'the reader may read the report_* views: ' . join(' ', @views));
my %python_rows = $stdout =~ /^rows (\S+) (\d+)$/mg;
foreach my $view (@views)
{
	my $psql_rows = $node->safe_psql('casework', qq{SELECT count(*) FROM safeguard."$view"},
		extra_params => [ '-U', 't026_analyst' ]);
	is($python_rows{$view}, $psql_rows, "$view: Python read psql's $psql_rows rows");
}

$node->stop;
done_testing();

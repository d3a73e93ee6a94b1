# BI tools over ODBC and JDBC (issue 18, item 2): a performance analyst's
# login role with the reader duty at the regulator connects as Excel or Power
# BI do (psqlODBC through unixODBC, driven by pyodbc: test/t/python/bi_odbc.py)
# and as DBeaver, Tableau or Metabase do (the PostgreSQL JDBC driver:
# test/t/java/BiJdbc.java), to a cluster holding casework replayed by the
# seeded generator through the real workflow.
#
# Over ODBC, with the DSN settings docs/reporting.md recommends, the driver
# offers exactly the relations the role may open, booleans are booleans and
# text is not LONGVARCHAR; the driver gives no column descriptions (psqlODBC
# answers REMARKS with an empty string whatever the database holds), so
# safeguard.data_dictionary gives them.  Over JDBC, getColumns' REMARKS are
# the COMMENTs.  Schema safeguard_reporting offers, through either driver and
# with no setting, exactly the relations the analyst may open.  Each client
# reads report_indicators whole, with psql's row count.
use strict;
use warnings;

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use File::Temp qw(tempdir);
use FindBin;
use lib $FindBin::RealBin;
use SafeguardTest qw(preload_safeguard);

my $python = $ENV{SAFEGUARD_PYTHON3} // (-x '/usr/bin/python3' ? '/usr/bin/python3' : 'python3');
my $jdbc_jar = '/usr/share/java/postgresql.jar';    # Debian's libpostgresql-jdbc-java

my $node = PostgreSQL::Test::Cluster->new('bi');
$node->init;
preload_safeguard($node);
# JDBC connects over TCP only: listen on the loopback address, trusted as the socket is.
$node->append_conf('postgresql.conf', "listen_addresses = '127.0.0.1'\n");
$node->append_conf('pg_hba.conf', "host all all 127.0.0.1/32 trust\n");
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE casework');
$node->safe_psql('casework',
	"SET client_min_messages = warning;\nCREATE EXTENSION safeguard;\n"
	  . slurp_file('test/generator/generator.sql')
	  . "\nSELECT sg_gen.setup();\n"
	  . "SELECT sg_gen.plan(20300, 100, '2024-10-01', '2026-01-30');\n"
	  . "SELECT sg_gen.execute('2025-11-03 12:00+00');\n");
$node->safe_psql(
	'casework', q{
CREATE ROLE t030_analyst LOGIN;
SELECT safeguard.grant_duty('t030_analyst', 'reader',
    (SELECT id FROM safeguard.organisation WHERE code = 'GEN-CQC'));
});
sub as_analyst
{
	return $node->safe_psql('casework', $_[0], extra_params => [ '-U', 't030_analyst' ]);
}
my $readable = as_analyst(q{SELECT count(*) FROM pg_class c
	WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
	  AND has_table_privilege(c.oid, 'SELECT')});
my $all = as_analyst(q{SELECT count(*) FROM pg_class c
	WHERE c.relnamespace = 'safeguard'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')});
my $view_rows = as_analyst('SELECT count(*) FROM safeguard.report_indicators');
ok($view_rows > 0, "report_indicators has $view_rows rows for the analyst");
my $in_time = $node->safe_psql('casework',
	q{SELECT col_description(attrelid, attnum) FROM pg_attribute
	  WHERE attrelid = 'safeguard.report_indicators'::regclass AND attname = 'in_time'});

# 1. ODBC: psqlODBC through unixODBC.
{
	my ($out, $err) = ('', '');
	my $ok = IPC::Run::run(
		[ $python, "$FindBin::RealBin/python/bi_odbc.py", $node->host, $node->port, 'casework', 't030_analyst' ],
		'>', \$out, '2>', \$err);
	note("bi_odbc.py stdout:\n$out");
	note("bi_odbc.py stderr:\n$err") if $err ne '';
	ok($ok, 'bi_odbc.py exits 0') or diag($err);
	unlike($err, qr/FAIL/, 'no check of bi_odbc.py failed');
	like($out, qr/^ok$/m, 'bi_odbc.py finished its checks');
	like($out, qr/^recommended offered $readable refused 0$/m,
		"with the recommended DSN settings the driver offers the $readable relations the analyst may open, and each opens");
	my ($offered, $refused) = $out =~ /^defaults offered (\d+) refused (\d+)$/m;
	is($offered, $all, "with the driver's defaults it offers every relation of the schema ($all)");
	is($refused, $all - $readable, '... of which ' . ($all - $readable) . ' then refuse: what AB=0x10 avoids');
	like($out, qr/^defaults reporting offered $readable refused 0$/m,
		"with the driver's defaults schema safeguard_reporting offers exactly the $readable relations the analyst may open");
	like($out, qr/^boolean (True|False)$/m, 'with BoolsAsChar=0 a boolean arrives as a bool');
	like($out, qr/^defaults boolean '[01]'$/m, "with the driver's defaults it arrives as the string '1' or '0'");
	like($out, qr/^defaults text type -10$/m, "with the driver's defaults text is SQL_WLONGVARCHAR (-10)");
	like($out, qr/^driver remarks none$/m, 'psqlODBC gives no column descriptions (REMARKS)');
	like($out, qr/^dictionary in_time \Q$in_time\E$/m, 'safeguard.data_dictionary gives them over ODBC');
	like($out, qr/^report_indicators rows $view_rows$/m, "report_indicators is read whole over ODBC ($view_rows rows)");
}

# 2. JDBC: the PostgreSQL JDBC driver.
{
	my $classes = tempdir(CLEANUP => 1);
	my ($out, $err) = ('', '');
	ok(IPC::Run::run([ 'javac', '-d', $classes, "$FindBin::RealBin/java/BiJdbc.java" ], '>', \$out, '2>', \$err),
		'BiJdbc.java compiles') or diag($err);
	($out, $err) = ('', '');
	my $url = sprintf('jdbc:postgresql://127.0.0.1:%d/casework?user=t030_analyst', $node->port);
	my $ok = IPC::Run::run([ 'java', '-cp', "$jdbc_jar:$classes", 'BiJdbc', $url ], '>', \$out, '2>', \$err);
	note("BiJdbc stdout:\n$out");
	ok($ok, 'BiJdbc runs') or diag($err);
	like($out, qr/^remarks in_time \Q$in_time\E$/m, "getColumns' REMARKS are the COMMENTs over JDBC");
	my @remarks = $out =~ /^remarks \S+ (.*)$/mg;
	is(scalar(grep { $_ eq 'null' || $_ eq '' } @remarks), 0,
		'every column of report_indicators has its description (' . scalar(@remarks) . ' columns)');
	like($out, qr/^tables safeguard offered $all refused @{[ $all - $readable ]}$/m,
		"getTables offers every relation of schema safeguard ($all), and those the analyst may not read refuse");
	like($out, qr/^tables safeguard_reporting offered $readable refused 0$/m,
		"getTables on safeguard_reporting offers exactly the $readable relations the analyst may open");
	like($out, qr/^reporting remarks in_time \Q$in_time\E$/m, 'the reporting schema carries the same descriptions');
	like($out, qr/^boolean type (-7|16)$/m, 'a boolean column is BIT or BOOLEAN');
	like($out, qr/^boolean value Boolean$/m, 'and arrives as a java.lang.Boolean');
	like($out, qr/^report_indicators rows $view_rows$/m, "report_indicators is read whole over JDBC ($view_rows rows)");
	like($out, qr/^ok$/m, 'BiJdbc finished');
}

$node->stop;
done_testing();

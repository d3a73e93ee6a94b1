# Verification runs in bounded memory, however long the audit trail.
#
# bench/volume loads a seeded decade at SCALE 0.01 (16,000 cases, about
# 330,000 audit rows in valid hash chains).  verify_audit(), and
# verify_audit(digest) against a digest sealed over every chain, each run in a
# session of their own; the backend's anonymous memory (RssAnon in
# /proc/<pid>/status) is sampled every 20 ms while it runs.  The peak must
# stay under 64 MB.
#
# Until November 2026 verify_audit() kept every fetched batch of rows, and what it
# computed from each row, until it returned: about 4.6 kB per audit row,
# some 1.5 GB here.  At W5's full scale (31M audit rows) the OOM killer ended
# it at 23 GB; 3.17M rows took 14.5 GB.  It now frees each batch before the
# next.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use SafeguardTest qw(backend_peak_memory);
use Test::More;

plan skip_all => 'needs /proc/<pid>/status (Linux)' unless -r "/proc/$$/status";

my $limit_kb = 64 * 1024;
my $testdir = $ENV{TESTDIR} // '.';

my $node = PostgreSQL::Test::Cluster->new('verify_memory');
$node->init;
$node->start;
$node->safe_psql('postgres', "SET client_min_messages = warning;\nCREATE EXTENSION safeguard;");

{
	local $ENV{PGHOST} = $node->host;
	local $ENV{PGPORT} = $node->port;
	local $ENV{PGDATABASE} = 'postgres';
	local $ENV{VOLUME_SCALE} = '0.01';
	command_ok([ 'bash', "$testdir/bench/volume/load.sh" ], 'bench/volume loads a decade at SCALE 0.01');
}
my $rows = $node->safe_psql('postgres', 'SELECT count(*) FROM safeguard.audit_event');
cmp_ok($rows, '>=', 300000, "the trail holds $rows audit rows");

# Runs $sql in a session of its own and samples its backend's memory (SafeguardTest).
sub peak_memory
{
	my ($tag, $sql) = @_;
	my ($peak, $samples, $out, $err) = backend_peak_memory($node, 'postgres', $tag, $sql);
	return ($peak, $samples, $out, $err);
}

my ($peak, $samples, $out, $err) =
	peak_memory('t011_chains', 'SELECT count(*) FROM safeguard.verify_audit()');
is($out, "0\n", 'verify_audit() finds every chain intact') or diag($err);
cmp_ok($samples, '>=', 5, "the backend's memory was sampled while it verified ($samples samples)");
cmp_ok($peak, '<', $limit_kb, "verify_audit() peaks at $peak kB of anonymous memory (limit $limit_kb kB)");

my $digest = $node->safe_psql('postgres', 'SELECT safeguard.audit_digest()');
like($digest, qr/^sg1:\d+:[0-9a-f]{64}$/, 'a digest seals every chain');
($peak, $samples, $out, $err) =
	peak_memory('t011_digest', "SELECT count(*) FROM safeguard.verify_audit('$digest')");
is($out, "0\n", 'verify_audit(digest) finds the seal and every chain intact') or diag($err);
cmp_ok($samples, '>=', 5, "the backend's memory was sampled while it verified ($samples samples)");
cmp_ok($peak, '<', $limit_kb, "verify_audit(digest) peaks at $peak kB of anonymous memory (limit $limit_kb kB)");

$node->stop;
done_testing();

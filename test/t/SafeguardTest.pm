# test/t/SafeguardTest.pm: helpers shared by the TAP tests in test/t.
#
# Load it from a test with
#   use FindBin;
#   use lib $FindBin::RealBin;
#   use SafeguardTest qw(valid_nhs_number backend_peak_memory preload_safeguard);
package SafeguardTest;

use strict;
use warnings;

use Exporter 'import';
use IPC::Run;
use Time::HiRes qw(usleep);
our @EXPORT_OK = qw(valid_nhs_number backend_peak_memory preload_safeguard);

# Returns the first valid NHS number (modulus 11 check digit) whose first nine
# digits are $start or the next number after it that has a check digit (a
# remainder giving 10 has none).  $start: a number of at most nine digits.
sub valid_nhs_number
{
	my ($start) = @_;
	my $base = $start;
	while (1)
	{
		my @d = split //, sprintf('%09d', $base);
		my $s = 0;
		$s += $d[$_] * (10 - $_) for 0 .. 8;
		my $c = 11 - $s % 11;
		$c = 0 if $c == 11;
		return join('', @d) . $c if $c != 10;
		$base++;
	}
}

# Runs $sql in a psql session of its own on $node's database $db
# (application_name $tag) and samples its backend's anonymous memory
# (RssAnon in /proc/<pid>/status, Linux) every 20 ms until it ends.  Returns
# the peak in kB, how many samples found the backend, the session's output
# and errors, and the seconds it took.
sub backend_peak_memory
{
	my ($node, $db, $tag, $sql) = @_;
	my ($out, $err) = ('', '');
	my $t0 = Time::HiRes::time();
	my $h = IPC::Run::start(
		[
			'psql', '-X', '-q', '-At', '-h', $node->host, '-p', $node->port, '-d', $db,
			'-c', "SET application_name = '$tag'", '-c', $sql
		],
		'>', \$out, '2>', \$err);
	my ($pid, $peak, $samples) = (0, 0, 0);
	while ($h->pumpable)
	{
		$pid ||= $node->safe_psql('postgres',
			"SELECT coalesce(max(pid), 0) FROM pg_stat_activity WHERE application_name = '$tag'");
		if ($pid && open(my $fh, '<', "/proc/$pid/status"))
		{
			while (my $line = <$fh>)
			{
				next unless $line =~ /^RssAnon:\s+(\d+)\s+kB/;
				$samples++;
				$peak = $1 if $1 > $peak;
			}
			close $fh;
		}
		usleep(20_000);
		$h->pump_nb;
	}
	$h->finish;
	return ($peak, $samples, $out, $err, Time::HiRes::time() - $t0);
}

# Configures $node as a deployment is (README): every session loads safeguard
# before its first statement (session_preload_libraries), so its guards on
# LOCK TABLE, row locks, EXPLAIN, PREPARE TRANSACTION, lock waits and pool
# logins hold.  Call after init, before start.
sub preload_safeguard
{
	my ($node) = @_;
	$node->append_conf('postgresql.conf', "session_preload_libraries = 'safeguard'\n");
	return;
}

1;

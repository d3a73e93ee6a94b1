# test/t/SafeguardTest.pm: helpers shared by the TAP tests in test/t.
#
# Load it from a test with
#   use FindBin;
#   use lib $FindBin::RealBin;
#   use SafeguardTest qw(valid_nhs_number preload_safeguard);
package SafeguardTest;

use strict;
use warnings;

use Exporter 'import';
our @EXPORT_OK = qw(valid_nhs_number preload_safeguard);

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

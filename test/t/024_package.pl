# Packaging: the version written once in safeguard.control is the one META.json
# (PGXN) declares, and `make deb` builds the Debian package postgresql-15-safeguard
# (debian/, pg_buildext) out of tree, without touching the checkout, holding
# everything an installation needs: the control file, every install and upgrade
# script of extension/, the library, safeguard-cli in the server's bindir and the
# /usr/bin/safeguard-cli link that puts it on PATH; its version is
# safeguard.control's default_version (plus the Debian revision).  The package is
# not installed on the system: it is unpacked (dpkg-deb -x) into a private root
# beside the system's PostgreSQL 15, where the link must resolve and the tool run,
# and a cluster run from that root creates the extension from the package's
# scripts, loads the package's library into every session, and the package's
# safeguard-cli imports bank holidays as the first administrator.  The autopkgtest
# files (debian/tests/control, an executable debian/tests/installcheck) must exist.
#
# The package part is skipped when dpkg-buildpackage, pg_buildext or debhelper
# is missing (scripts/deps installs them); the META.json checks always run.
use strict;
use warnings;

use Cwd qw(abs_path);
use File::Basename qw(basename);
use FindBin;
use IPC::Run;
use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $repo = abs_path("$FindBin::RealBin/../..");

# Returns the contents of file $path.
sub slurp
{
	my ($path) = @_;
	open(my $fh, '<', $path) or die "$path: $!";
	local $/;
	my $s = <$fh>;
	close $fh;
	return $s;
}

# Runs @cmd; returns (exit status, stdout, stderr); a command that cannot be
# started gives status -1 and the reason as stderr.
sub run_cmd
{
	my (@cmd) = @_;
	my ($out, $err) = ('', '');
	eval { IPC::Run::run(\@cmd, '<', \undef, '>', \$out, '2>', \$err); 1 }
	  or return (-1, '', $@);
	return ($? >> 8, $out, $err);
}

my ($version) = slurp("$repo/safeguard.control") =~ /^default_version = '([^']+)'$/m;
ok(defined $version, "safeguard.control has a default_version")
  or BAIL_OUT('no default_version in safeguard.control');

# META.json: PGXN wants semantic versions, so 1.5 is written 1.5.0.
my $semver = $version =~ /^\d+\.\d+$/ ? "$version.0" : $version;
my $meta = JSON::PP->new->decode(slurp("$repo/META.json"));
is($meta->{version}, $semver, "META.json version is safeguard.control's $version");
is($meta->{provides}{safeguard}{version},
	$semver, "META.json provides.safeguard.version is safeguard.control's $version");
is($meta->{provides}{safeguard}{file},
	"extension/safeguard--$version.sql", "META.json provides.safeguard.file is the full install script of $version");
ok(-f "$repo/$meta->{provides}{safeguard}{file}", "that install script exists");

# The autopkgtest files.
like(slurp("$repo/debian/tests/control"), qr/^Tests: installcheck$/m, 'debian/tests/control names the installcheck test');
ok(-x "$repo/debian/tests/installcheck", 'debian/tests/installcheck is executable');
ok(-x "$repo/debian/rules", 'debian/rules is executable');
my ($changelog_version) = slurp("$repo/debian/changelog") =~ /^safeguard \(([^)]+)\)/;
like($changelog_version, qr/^\Q$version\E-\d+$/, "debian/changelog's latest entry is $version-<revision>");

SKIP:
{
	my @missing = grep { system("command -v $_ >/dev/null 2>&1") != 0 } qw(dpkg-buildpackage dpkg-deb pg_buildext dh);
	skip "no package build tools (@missing): run bash scripts/deps", 1 if @missing;

	my $tmp = PostgreSQL::Test::Utils::tempdir();
	my @before = sort glob("$repo/debian/* $repo/debian/.[!.]*");

	# The outer make's variables (jobserver, PG_CONFIG=...) are not the package build's.
	my ($rc, $out, $err);
	{
		local %ENV = %ENV;
		delete @ENV{qw(MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES DEB_BUILD_OPTIONS)};
		($rc, $out, $err) = run_cmd('make', '--no-print-directory', '-C', $repo, 'deb', "DEB_DIR=$tmp/deb");
	}
	is($rc, 0, 'make deb builds the package') or diag("$out\n$err");
	my ($deb) = $out =~ /^(\S+\.deb)$/m;
	ok(defined $deb && -f $deb, 'make deb prints the path of the .deb') or skip 'no .deb', 1;
	is(basename($deb), "postgresql-15-safeguard_$version-1_" . `dpkg --print-architecture` =~ s/\s+//r . '.deb',
		'the .deb is named postgresql-15-safeguard_<version>-1_<arch>.deb');
	is_deeply([ sort glob("$repo/debian/* $repo/debian/.[!.]*") ],
		\@before, 'the checkout\'s debian/ is left as it was (the build ran in a copy)');
	ok(!-e "$repo/dist", 'nothing written to the checkout\'s dist/');

	# The control fields.
	my %field;
	for my $f (qw(Package Version Architecture Depends))
	{
		(undef, $field{$f}) = run_cmd('dpkg-deb', '-f', $deb, $f);
		chomp $field{$f};
	}
	is($field{Package}, 'postgresql-15-safeguard', 'Package: postgresql-15-safeguard');
	is($field{Version}, "$version-1", "Version: safeguard.control's default_version $version, Debian revision 1");
	my ($upstream) = $field{Version} =~ /^(.*)-[^-]+$/;
	is($upstream, $version, 'the package\'s upstream version is safeguard.control\'s default_version');
	# (postgresql-server-dev-15 from a point release may add a minimum, e.g. "(>> 15.20)")
	like($field{Depends}, qr/(^|, )postgresql-15( \([<>=]+ [^)]+\))?(,|$)/, 'Depends: postgresql-15');
	like($field{Depends}, qr/(^|, )libpq5\b/, 'Depends: libpq5 (safeguard-cli)');

	# The file list (dpkg-deb -c: mode, owner, size, date, time, path [-> target]).
	my (undef, $list) = run_cmd('dpkg-deb', '-c', $deb);
	my (%mode, %link);
	for my $line (split /\n/, $list)
	{
		my @w = split ' ', $line;
		my $path = $w[5] =~ s{^\./}{/}r;
		$path =~ s{/$}{} if $path ne '/';
		$mode{$path} = $w[0];
		$link{$path} = $w[7] if @w >= 8 && $w[6] eq '->';
	}
	my $pg_config = $ENV{PG_CONFIG} // 'pg_config';
	my %dir = map { my $d = `$pg_config --$_`; chomp $d; ($_ => $d) } qw(sharedir pkglibdir bindir);
	like($dir{bindir}, qr{^/usr/lib/postgresql/15/}, "pg_config is PostgreSQL 15's ($dir{bindir})");
	my $extdir = "$dir{sharedir}/extension";

	like($mode{"$extdir/safeguard.control"} // '', qr/^-/, "the package holds $extdir/safeguard.control");
	my @scripts = map { basename($_) } glob("$repo/extension/safeguard--*.sql");
	ok(@scripts >= 2, 'extension/ has install and upgrade scripts (' . scalar(@scripts) . ')');
	my @absent = grep { ($mode{"$extdir/$_"} // '') !~ /^-/ } @scripts;
	is_deeply(\@absent, [], "the package holds every extension/*.sql script in $extdir");
	my @extra = grep { m{^\Q$extdir\E/safeguard--.*\.sql$} && !-f "$repo/extension/" . basename($_) } keys %mode;
	is_deeply(\@extra, [], 'and no script that extension/ does not have');
	like($mode{"$dir{pkglibdir}/safeguard.so"} // '', qr/^-/, "the package holds $dir{pkglibdir}/safeguard.so");
	like($mode{"$dir{bindir}/safeguard-cli"} // '', qr/^-rwx/, "the package holds $dir{bindir}/safeguard-cli, executable");
	like($mode{'/usr/bin/safeguard-cli'} // '', qr/^l/, 'the package holds /usr/bin/safeguard-cli, a symbolic link');
	is($link{'/usr/bin/safeguard-cli'}, '../' . ($dir{bindir} =~ s{^/usr/}{}r) . '/safeguard-cli',
		"/usr/bin/safeguard-cli points at $dir{bindir}/safeguard-cli (relative)");
	my @stray = grep {
		$mode{$_} !~ /^d/
		  && !m{^(\Q$extdir\E/|\Q$dir{pkglibdir}\E/|\Q$dir{bindir}\E/|/usr/bin/safeguard-cli$|/usr/share/doc/postgresql-15-safeguard/)}
	} sort keys %mode;
	is_deeply(\@stray, [], 'no file outside the extension, library, binary, link and doc directories');

	# Unpacked (not installed): the link resolves inside the tree and the tool runs.
	my $root = "$tmp/root";
	($rc, undef, $err) = run_cmd('dpkg-deb', '-x', $deb, $root);
	is($rc, 0, 'dpkg-deb -x unpacks the package') or diag($err);
	ok(-x "$root/usr/bin/safeguard-cli", '/usr/bin/safeguard-cli resolves to an executable in the unpacked tree');
	($rc, $out, $err) = run_cmd("$root/usr/bin/safeguard-cli", '--version');
	is($rc, 0, 'the packaged safeguard-cli runs (--version)') or diag($err);
	like($out, qr/\b\Q$version\E$/m, "and says version $version");
	is(slurp("$root$extdir/safeguard.control"),
		slurp("$repo/safeguard.control"), 'the packaged control file is the checkout\'s');
	my @differ = grep { slurp("$root$extdir/$_") ne slurp("$repo/extension/$_") } @scripts;
	is_deeply(\@differ, [], 'every packaged script is the checkout\'s, byte for byte');

	# Installed into a private root, not the system: the unpacked package, with the
	# system's PostgreSQL 15 beside it (its programs copied, since the server finds its
	# share and lib directories relative to its own executable; everything else linked,
	# but none of safeguard's files, so only the package's can be found).  A cluster run
	# from there creates the extension from the package's files, loads the package's
	# library, and the package's safeguard-cli imports bank holidays as the first
	# administrator.
	overlay($dir{bindir}, "$root$dir{bindir}", 1);
	overlay($dir{pkglibdir}, "$root$dir{pkglibdir}", 0);
	overlay($dir{sharedir}, "$root$dir{sharedir}", 0);
	my $node = PostgreSQL::Test::Cluster->new('package', install_path => "$root" . ($dir{bindir} =~ s{/bin$}{}r));
	$node->init;
	$node->append_conf('postgresql.conf', "session_preload_libraries = 'safeguard'\n");
	$node->start;
	$node->safe_psql('postgres', 'CREATE EXTENSION safeguard');
	is($node->safe_psql('postgres', "SELECT extversion FROM pg_extension WHERE extname = 'safeguard'"),
		$version, "CREATE EXTENSION from the package's files installs $version");
	is($node->safe_psql('postgres', "SELECT setting FROM pg_config WHERE name = 'SHAREDIR'"),
		"$root$dir{sharedir}", 'the server reads its share directory (extension scripts) from the private root');
	is($node->safe_psql('postgres', 'SELECT safeguard.preloaded()'), 't', 'sessions preload the library');
	# The library a backend mapped, from its own /proc/self/maps.
	my $mapped = $node->safe_psql('postgres', q{
		SELECT string_agg(DISTINCT substring(l FROM '(/\S*safeguard\.so)$'), ' ')
		FROM regexp_split_to_table(pg_read_file('/proc/self/maps'), E'\n') AS l
		WHERE l ~ 'safeguard\.so$'});
	is($mapped, "$root$dir{pkglibdir}/safeguard.so", "the backend loaded the package's safeguard.so, no other");
	$node->safe_psql('postgres', q{
		INSERT INTO safeguard.organisation (kind, name, code) VALUES ('regulator', 'Care Quality Commission', 'CQC');
		CREATE ROLE alex_admin LOGIN;
		SELECT safeguard.grant_duty('alex_admin', 'admin', (SELECT id FROM safeguard.organisation WHERE code = 'CQC'));
	});
	{
		local %ENV = %ENV;
		$ENV{PGHOST} = $node->host;
		$ENV{PGPORT} = $node->port;
		delete @ENV{qw(PGAPPNAME PGDATABASE)};
		($rc, $out, $err) = run_cmd("$root/usr/bin/safeguard-cli", '-d', 'dbname=postgres user=alex_admin',
			'import-holidays', "$repo/data/bank-holidays.json");
	}
	is($rc, 0, "the package's safeguard-cli imports bank holidays as the first administrator") or diag($err);
	like($out, qr/bank holidays/, 'and reports what it imported') or diag("stdout: $out\nstderr: $err");
	$node->stop;
}

# Makes $to mirror the directory $from without safeguard's own files: a directory
# missing under $to is linked, one present is mirrored in turn, a file missing is
# copied ($copy: the server's programs) or linked.
sub overlay
{
	my ($from, $to, $copy) = @_;
	mkdir $to unless -d $to;
	opendir(my $dh, $from) or die "$from: $!";
	for my $name (grep { !/^\.\.?$/ && !/^safeguard/ } readdir $dh)
	{
		my ($src, $dst) = ("$from/$name", "$to/$name");
		if (-d $src && !-l $src && -d $dst)
		{
			overlay($src, $dst, $copy);
		}
		elsif (!-e $dst && !-l $dst)
		{
			if ($copy && -f $src)
			{
				system('cp', '-p', $src, $dst) == 0 or die "cp $src: $?";
			}
			else
			{
				symlink($src, $dst) or die "symlink $src: $!";
			}
		}
	}
	closedir $dh;
	return;
}

done_testing();

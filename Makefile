# Makefile for safeguard (PGXS).
#
# Developer entry points (see README.md):
#   make demo   set up a local cluster, load demo data, show the product
#   make test   install what is missing, build, and run every test suite
#   make check-cassert  opt-in: the regress, hostile, isolation and pgTAP suites against
#               a PostgreSQL 15 built with --enable-cassert (scripts/cassert; the first
#               run builds it, ~4 minutes); not part of make test or CI
# The usual PGXS targets (all, install, installcheck, clean) work as well; all,
# install, uninstall and clean also build, install or clean the command-line
# tool in cli/ (safeguard-cli).
#
# Tests against a running server (the PG* environment), as PGXS runs them:
#   make installcheck                  REGRESS, ISOLATION (the server's default level), TAP_TESTS
#   make installcheck-regress          pg_regress: sql/, expected/
#   make installcheck-hostile          the same under a hostile session profile (test/hostile/)
#   make installcheck-isolation-read-committed    the specs (test/specs, test/expected) at
#   make installcheck-isolation-repeatable-read   one default_transaction_isolation each,
#   make installcheck-isolation-serializable      compared with that level's output only
#   make installcheck-isolation        all three levels
#   make installcheck-pgtap            pg_prove over test/pgtap in database safeguard_tap
#   make installcheck-tap              prove over test/t/*.pl (clusters of their own; not as root)
#   make unit                          backend-free C (test/unit), no server

.DEFAULT_GOAL := all

EXTENSION = safeguard
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" $(EXTENSION).control)

MODULE_big = safeguard
OBJS = $(patsubst %.c,%.o,$(wildcard src/*.c))
PG_CPPFLAGS += -Iinclude
PG_CFLAGS += -Werror -Wall -Wmissing-prototypes

DATA = $(wildcard extension/$(EXTENSION)--*.sql)

# Tests, driven as PGXS drives them.  `make installcheck` runs REGRESS, ISOLATION (at the
# server's default isolation level) and TAP_TESTS against the server named by the PG*
# environment; the installcheck-* targets below run one suite each; `make test`
# (scripts/test) runs them all on a throwaway cluster and prints the summary line.

# pg_regress: sql/NN_name.sql against expected/NN_name.out, in reading order.
REGRESS = $(sort $(patsubst sql/%.sql,%,$(wildcard sql/*.sql)))
REGRESS_OPTS = --load-extension=$(EXTENSION)

# Isolation specs: test/specs/*.spec against test/expected/ (pg_isolation_regress takes
# any of a spec's files <spec>.out, <spec>_1.out, <spec>_2.out; the per-level targets
# below take only the level's own).
ISOLATION = $(patsubst test/specs/%.spec,%,$(wildcard test/specs/*.spec))
ISOLATION_OPTS = --inputdir=test --load-extension=$(EXTENSION)

# TAP: test/t/*.pl (PostgreSQL::Test::Cluster; each test starts clusters of its own, and
# initdb refuses to run as root: as root, `make test` runs them as postgres in a copy).
TAP_TESTS = 1
PROVE_TESTS = $(wildcard test/t/*.pl)

# pgTAP: the numbered files of test/pgtap (test/pgtap/lib/ holds their shared setup),
# run by pg_prove in a database of their own.
PGTAP_TESTS = $(sort $(wildcard test/pgtap/[0-9]*.sql))
PGTAP_DB = safeguard_tap

# The three default_transaction_isolation values of installcheck-isolation-<level>, and
# the suffix of each one's expected files (test/expected/<spec><suffix>.out, falling back
# to <spec>.out).
ISOLATION_LEVELS = read-committed repeatable-read serializable
isolation_setting_read-committed = read\ committed
isolation_setting_repeatable-read = repeatable\ read
isolation_setting_serializable = serializable
isolation_suffix_read-committed =
isolation_suffix_repeatable-read = _1
isolation_suffix_serializable = _2

EXTRA_CLEAN = results/ output_iso/ output_hostile/ regression.diffs regression.out log/ tmp_check*/

.PHONY: demo test unit check-cassert installcheck-regress installcheck-hostile \
	installcheck-isolation $(addprefix installcheck-isolation-,$(ISOLATION_LEVELS)) \
	installcheck-pgtap installcheck-tap

demo:
	bash scripts/demo

test:
	bash scripts/test

unit:
	$(MAKE) -C test/unit check

check-cassert:
	bash scripts/cassert

PG_CONFIG ?= /usr/lib/postgresql/15/bin/pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(wildcard $(PGXS)),)
include $(PGXS)

# PostgreSQL as Debian builds it has no automatic header dependencies: every object
# depends on every header of ours, so that a changed struct (fsm.h's permits, say) never
# leaves an object compiled against the old layout.
$(OBJS): $(wildcard include/*.h)

# installcheck-regress: the pg_regress suite alone (REGRESS).
installcheck-regress:
	$(pg_regress_installcheck) $(REGRESS_OPTS) $(REGRESS)

# installcheck-hostile: the pg_regress suite again, under the hostile session profile of
# test/hostile/profile (time zone, date and interval styles, float digits, bytea output,
# serializable, search_path starting with the look-alike objects of
# test/hostile/attacker.sql); the results must be exactly those of installcheck-regress.
# pg_regress would give its database and psql sessions its own settings, which outrank
# PGOPTIONS; so the database is made here (pg_regress's database settings, the attacker
# objects, the extension created under the profile) and used as it is (--use-existing),
# and each test's psql runs through the profile (--launcher).  Results: output_hostile/.
installcheck-hostile:
	$(hostile_psql) -d postgres -c 'DROP DATABASE IF EXISTS "$(hostile_db)"' \
		-c 'CREATE DATABASE "$(hostile_db)" TEMPLATE template0'
	$(hostile_psql) -d $(hostile_db) -v extension=$(EXTENSION) -f test/hostile/attacker.sql
	$(pg_regress_installcheck) $(REGRESS_OPTS) --use-existing --outputdir=output_hostile \
		--launcher='sh $(CURDIR)/test/hostile/profile' $(REGRESS)

hostile_db = $(lastword $(patsubst --dbname=%,%,$(filter --dbname=%,$(REGRESS_OPTS))))
hostile_psql = sh test/hostile/profile '$(bindir)/psql' -X -q -v ON_ERROR_STOP=1

# installcheck-isolation-<level>: every spec with default_transaction_isolation = <level>
# for every session (PGOPTIONS), compared with that level's expected output only.
# pg_isolation_regress would accept any of a spec's files, so each level runs from a tree
# of its own, output_iso/<level>/: specs/ (the specs), expected/ (links to the level's
# file of each spec), results/ and regression.diffs.
installcheck-isolation: $(addprefix installcheck-isolation-,$(ISOLATION_LEVELS))

$(addprefix installcheck-isolation-,$(ISOLATION_LEVELS)): installcheck-isolation-%:
	rm -rf output_iso/$*
	$(MKDIR_P) output_iso/$*/expected
	ln -s '$(CURDIR)/test/specs' output_iso/$*/specs
	$(foreach s,$(ISOLATION),ln -s '$(CURDIR)/$(call isolation_expected,$(s),$*)' output_iso/$*/expected/$(s).out && ) true
	PGOPTIONS="$$PGOPTIONS -c default_transaction_isolation=$(isolation_setting_$*)" && export PGOPTIONS && \
		$(pg_isolation_regress_installcheck) $(ISOLATION_OPTS) \
		--inputdir=output_iso/$* --outputdir=output_iso/$* $(ISOLATION)

# The expected file of spec $(1) at level $(2) (a link to a missing file fails the spec).
isolation_expected = $(or $(wildcard test/expected/$(1)$(isolation_suffix_$(2)).out),test/expected/$(1).out)

# installcheck-pgtap: pg_prove over PGTAP_TESTS in a fresh database PGTAP_DB holding pgtap
# and safeguard.
installcheck-pgtap:
	PGOPTIONS='-c client_min_messages=warning' '$(bindir)/psql' -X -q -v ON_ERROR_STOP=1 -d postgres \
		-c 'DROP DATABASE IF EXISTS $(PGTAP_DB)' -c 'CREATE DATABASE $(PGTAP_DB)'
	PGOPTIONS='-c client_min_messages=warning' '$(bindir)/psql' -X -q -v ON_ERROR_STOP=1 -d $(PGTAP_DB) \
		-c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION $(EXTENSION)'
	pg_prove --nocolor --failures --comments --ext .sql --psql-bin '$(bindir)/psql' \
		-d $(PGTAP_DB) $(PGTAP_TESTS)

# installcheck-tap: the TAP tests alone (PGXS's prove_installcheck over PROVE_TESTS).
installcheck-tap:
	$(prove_installcheck)

# The command-line tool safeguard-cli (cli/, its own PGXS PROGRAM) is built,
# installed and cleaned with the extension.
all: cli-all
install: cli-install
uninstall: cli-uninstall
clean: cli-clean
.PHONY: cli-all cli-install cli-uninstall cli-clean
cli-all cli-install cli-uninstall cli-clean: cli-%:
	$(MAKE) -C cli $* PG_CONFIG='$(PG_CONFIG)'
else
# A fresh machine without postgresql-server-dev-15: only demo and test work;
# they install the packages first.
all install installcheck installcheck-regress installcheck-hostile installcheck-isolation \
	$(addprefix installcheck-isolation-,$(ISOLATION_LEVELS)) installcheck-pgtap installcheck-tap:
	@echo "PGXS not found ($(PG_CONFIG)); run 'make test' or 'make demo' to install the build dependencies" >&2
	@exit 1
endif

# make deb: the Debian package postgresql-15-safeguard (debian/, pg_buildext), built out of
# tree by scripts/deb (dpkg-buildpackage -us -uc -b in a copy of the checkout) into
# DEB_DIR; installs nothing.  Install it with apt-get install ./$(DEB_DIR)/<the .deb>
# (docs/operations.md#installing-on-an-existing-server).  Needs no PGXS of its own, so it
# works outside the ifneq above.
DEB_DIR ?= dist/deb
.PHONY: deb
deb:
	bash scripts/deb '$(DEB_DIR)'

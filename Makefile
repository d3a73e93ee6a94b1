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

.DEFAULT_GOAL := all

EXTENSION = safeguard
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" $(EXTENSION).control)

MODULE_big = safeguard
OBJS = $(patsubst %.c,%.o,$(wildcard src/*.c))
PG_CPPFLAGS += -Iinclude
PG_CFLAGS += -Werror -Wall -Wmissing-prototypes

DATA = $(wildcard extension/$(EXTENSION)--*.sql)

# pg_regress: sql/NN_name.sql against expected/NN_name.out, in reading order.
REGRESS = $(sort $(patsubst sql/%.sql,%,$(wildcard sql/*.sql)))
REGRESS_OPTS = --load-extension=$(EXTENSION)

# Isolation specs: test/specs/*.spec against test/expected/*.out.  scripts/test
# runs them once per default_transaction_isolation, each time from a directory
# of its own holding that level's expected output (ISOLATION_INPUTDIR).
ISOLATION = $(patsubst test/specs/%.spec,%,$(wildcard test/specs/*.spec))
ISOLATION_INPUTDIR = test
ISOLATION_OPTS = --inputdir=$(ISOLATION_INPUTDIR) --load-extension=$(EXTENSION)

EXTRA_CLEAN = results/ output_iso/ regression.diffs regression.out log/ tmp_check*/

.PHONY: demo test unit check-cassert

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
all install installcheck:
	@echo "PGXS not found ($(PG_CONFIG)); run 'make test' or 'make demo' to install the build dependencies" >&2
	@exit 1
endif

#!/usr/bin/env bash
# bench/volume/load.sh: loads the seeded casework volume (bench/volume/volume.sql) into a database.
#
#   bench/volume/load.sh [--part all|recent|rest|setup] [--verify]
#
# Connects with the usual libpq variables (PGHOST, PGPORT, PGDATABASE, PGUSER) as a superuser,
# to a database where `CREATE EXTENSION safeguard` has run.  Environment:
#   VOLUME_SCALE=0.1        1.0 is the issue's size (150 LAs, 5,000 providers, 2M concerns, ~1M
#                           referrals, a decade); 0.01 for a smoke test.  LAs and providers are
#                           not scaled.
#   VOLUME_SEED=1           the seed: the same seed, scale and as-of give the same rows
#   VOLUME_AS_OF=<today 00:00 UTC>   the instant the history ends (open work is what is open then)
#   VOLUME_BATCH=20000      cases per transaction
# Parts: setup (organisations, roles, grants, calendar; run once, implied by the others),
# recent (the newest 10% of the cases: the last year and all open work), rest (the older 90%),
# all (both).  recent then rest gives the same rows as all.  --verify runs
# safeguard.verify_audit() over the whole trail afterwards, then verify_ledger() over
# every audited row (1.4), and prints how long each took.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
part=all
verify=0
while (($#)); do
	case "$1" in
	--part) part=$2; shift 2 ;;
	--verify) verify=1; shift ;;
	-h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "load.sh: unknown argument $1" >&2; exit 1 ;;
	esac
done
scale=${VOLUME_SCALE:-0.1}
seed=${VOLUME_SEED:-1}
as_of=${VOLUME_AS_OF:-$(date -u +%Y-%m-%d) 00:00+00}
batch=${VOLUME_BATCH:-20000}
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
now() { date +%s.%N; }

q -f "$here/volume.sql"
if [[ $(q -Atc "SELECT count(*) FROM sg_vol.conf") == 0 ]]; then
	t=$(now)
	q -c "SELECT sg_vol.setup($seed, $scale, '$as_of')"
	printf 'volume: setup (organisations, roles, grants) in %.1f s\n' "$(echo "$(now) - $t" | bc)" >&2
fi
read -r n recent < <(q -AtF ' ' -c "SELECT n_cases, sg_vol.recent_from() FROM sg_vol.conf")
load() {
	local a=$1 b=$2 t
	t=$(now)
	q -c "CALL sg_vol.load($a, $b, $batch)"
	q -c "SELECT sg_vol.finish()" -c "ANALYZE"
	printf 'volume: cases %s to %s loaded in %.1f s\n' "$a" "$b" "$(echo "$(now) - $t" | bc)" >&2
}
case "$part" in
setup) ;;
recent) load "$recent" "$n" ;;
rest) load 1 $((recent - 1)) ;;
all) load "$recent" "$n"; load 1 $((recent - 1)) ;;
*) echo "load.sh: --part is all, recent, rest or setup" >&2; exit 1 ;;
esac
q -At -F ' | ' -c "SELECT 'cases', count(*)::text FROM safeguard.safeguarding_case
	UNION ALL SELECT 'concerns', count(*)::text FROM safeguard.concern
	UNION ALL SELECT 'referrals', count(*)::text FROM safeguard.referral
	UNION ALL SELECT 'deadlines', count(*)::text FROM safeguard.deadline
	UNION ALL SELECT 'audit rows', count(*)::text FROM safeguard.audit_event
	UNION ALL SELECT 'database size', pg_size_pretty(pg_database_size(current_database()))::text" |
	sed 's/^/volume: /' >&2
if ((verify)); then
	t=$(now)
	bad=$(q -At -c "SELECT count(*) FROM safeguard.verify_audit()")
	printf 'volume: verify_audit() in %.1f s: %s\n' "$(echo "$(now) - $t" | bc)" \
		"$([[ $bad == 0 ]] && echo 'every chain intact' || echo 'BROKEN')" >&2
	[[ $bad == 0 ]]
	t=$(now)
	bad=$(q -At -c "SELECT count(*) FROM safeguard.verify_ledger()")
	printf 'volume: verify_ledger() in %.1f s: %s\n' "$(echo "$(now) - $t" | bc)" \
		"$([[ $bad == 0 ]] && echo 'every row agrees with the trail' || echo 'MISMATCH')" >&2
	[[ $bad == 0 ]]
fi

/*
 * transition.c
 *		Applying a state machine to row updates: the one place that decides
 *		whether an UPDATE of a workflow row is a permitted transition.
 *
 * Used by the guard triggers of every workflow (referral.c,
 * provider_enquiry.c).  For an UPDATE it checks, in order:
 *	- setting the state to the state it has is a refused transition (so two
 *	  clerks making the same transition at once get one success, one error);
 *	- an UPDATE that leaves the state alone may only correct the workflow's
 *	  correction columns, by a duty allowed to, and never in a final state;
 *	- the transition exists (SG201, naming both states and the next ones);
 *	  transitions without permits follow only from other records, written
 *	  by safeguard itself;
 *	- the actor holds one of its permits (42501 naming the duty required);
 *	- only the transition's own columns change (SG203), its workflow rules
 *	  hold, and its required columns are present (SG202);
 *	- then it stamps who (_by), for which organisation (_org_id) and when.
 * Writes safeguard makes itself are trusted and pass unchanged.
 */
#include "postgres.h"

#include "actions.h"
#include "audit.h"
#include "safeguard.h"
#include "sg_errcodes.h"
#include "transition.h"
#include "validate.h"

#include "access/sysattr.h"
#include "lib/stringinfo.h"
#include "nodes/bitmapset.h"
#include "utils/builtins.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

/* Returns the state of a row under a machine. */
int
sg_row_state(const SgMachine *m, HeapTuple tup, TupleDesc desc,
			 const char *state_column)
{
	char	   *label = sg_get_label(tup, desc, state_column);
	int			s;

	/* the refusal's message is built only when there is no state */
	if (label == NULL)
		label = sg_require_label(tup, desc, state_column, psprintf("the %s state", m->name),
								 "Move a record between states with the workflow functions (see the README).");

	if (!sg_fsm_state_parse(m, label, &s))
		elog(ERROR, "safeguard: unknown %s state \"%s\"", m->name, label);
	return s;
}

/* Raises SG201 for a transition that does not exist (or is not the client's to make). */
static void
refuse_transition(const SgGuardSpec *spec, int from, int to, int64 id, bool internal_only)
{
	const SgMachine *m = spec->machine;
	int		   *next = palloc(sizeof(int) * m->nstates);
	int			n = sg_fsm_next_states(m, from, next);
	StringInfoData allowed;

	initStringInfo(&allowed);
	for (int i = 0; i < n; i++)
		appendStringInfo(&allowed, "%s%s", i ? ", " : "", sg_fsm_state_name(m, next[i]));
	ereport(ERROR,
			(errcode(ERRCODE_SG_INVALID_TRANSITION),
			 errmsg("%s " INT64_FORMAT " cannot go from %s to %s", m->name, id,
					sg_fsm_state_name(m, from), sg_fsm_state_name(m, to)),
			 internal_only ?
			 errdetail("This transition follows from recording the event it stands for, not from an update.")
			 : n > 0 ? errdetail("From %s a %s can go to: %s.",
								 sg_fsm_state_name(m, from), m->name, allowed.data)
			 : errdetail("%s is a final state.", sg_fsm_state_name(m, from)),
			 errhint("%s", spec->hint)));
}

/* Returns a timestamptz column, or 0 when NULL (*isnull set). */
TimestampTz
sg_get_ts(HeapTuple tup, TupleDesc desc, const char *column, bool *isnull)
{
	Datum		v = sg_get(tup, desc, column, isnull);

	return *isnull ? 0 : DatumGetTimestampTz(v);
}

/* Raises SG211 unless earliest <= the column's time <= now. */
void
sg_check_event_time(HeapTuple tup, TupleDesc desc, const char *column,
					TimestampTz earliest, const char *earliest_what)
{
	bool		isnull;
	TimestampTz t = sg_get_ts(tup, desc, column, &isnull);

	if (isnull)
		return;
	if (t > sg_now())
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_TIME),
				 errmsg("%s cannot be in the future", column),
				 errhint("Record when it actually happened.")));
	if (t < earliest)
		ereport(ERROR,
				(errcode(ERRCODE_SG_INVALID_TIME),
				 errmsg("%s cannot be earlier than %s", column, earliest_what),
				 errhint("Record when it actually happened.")));
}

/* Raises SG202 unless a text column holds text (not NULL, not blank). */
void
sg_require_text(HeapTuple tup, TupleDesc desc, const char *column, const char *what,
				const char *hint)
{
	char	   *s = sg_get_cstring(tup, desc, column);

	if (s == NULL || !sg_text_present(s, strlen(s)))
		ereport(ERROR,
				(errcode(ERRCODE_SG_REQUIRED_FIELD),
				 errmsg("%s is required", what),
				 errdetail("%s is empty.", column),
				 errhint("%s", hint)));
}

/*
 * Raises SG203 for a column of a new row that holds a value although the
 * client may not supply it: anything but id, the allowed columns, and the
 * state column at the machine's initial state.
 */
void
sg_refuse_unsupplied(HeapTuple tup, TupleDesc desc, const SgMachine *m, const char *state_column,
					 int initial, const char *const *allowed, const char *hint)
{
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		const char *name = NameStr(att->attname);
		bool		isnull;

		if (att->attisdropped || strcmp(name, "id") == 0 || sg_column_listed(allowed, name))
			continue;
		(void) heap_getattr(tup, i + 1, desc, &isnull);
		if (isnull || (strcmp(name, state_column) == 0 &&
					   sg_row_state(m, tup, desc, state_column) == initial))
			continue;
		ereport(ERROR,
				(errcode(ERRCODE_SG_FORGED_COLUMN),
				 errmsg("column %s cannot be supplied when a %s is created", name, m->name),
				 errdetail("It is recorded by safeguard or belongs to a later step."),
				 errhint("%s", hint)));
	}
}

/* Raises SG205 unless a rationale column holds text. */
void
sg_require_rationale(HeapTuple tup, TupleDesc desc, const char *column, const char *what)
{
	char	   *s = sg_get_cstring(tup, desc, column);

	if (s == NULL || !sg_text_present(s, strlen(s)))
		ereport(ERROR,
				(errcode(ERRCODE_SG_RATIONALE_REQUIRED),
				 errmsg("%s needs a rationale", what),
				 errdetail("%s is empty.", column),
				 errhint("Record why; decisions without a recorded rationale cannot be audited.")));
}

/* Raises SG202: a column required for moving to a state is missing. */
void
sg_require_column(const SgMachine *m, HeapTuple tup, TupleDesc desc,
				  const char *column, int to)
{
	bool		isnull;

	(void) sg_get(tup, desc, column, &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_SG_REQUIRED_FIELD),
				 errmsg("%s is required to move a %s to %s", column, m->name,
						sg_fsm_state_name(m, to)),
				 errhint("Supply %s in the same statement.", column)));
}

/*
 * Raises SG203 naming the first column, other than the allowed ones (and
 * state_column, when given), that changed.
 */
void
sg_check_changed_columns(HeapTuple oldtup, HeapTuple newtup, TupleDesc desc,
						 const char *state_column, const char *const *allowed,
						 const char *when)
{
	SgRowPair	pair;

	sg_row_pair(oldtup, newtup, desc, &pair);
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		const char *name = NameStr(att->attname);

		/* generated columns follow their inputs; no client can write them */
		if (att->attisdropped || att->attgenerated || !pair.changed[i] ||
			(state_column && strcmp(name, state_column) == 0))
			continue;
		if (allowed && sg_column_listed(allowed, name))
			continue;
		ereport(ERROR,
				(errcode(ERRCODE_SG_FORGED_COLUMN),
				 errmsg("column %s cannot change %s", name, when),
				 errdetail("Each transition changes only its own columns; who acted and when is recorded by safeguard."),
				 errhint("Change the state and that transition's columns together, through the workflow functions (see the README).")));
	}
}

/* Returns true when any column differs between the tuples. */
static bool
any_change(HeapTuple oldtup, HeapTuple newtup, TupleDesc desc)
{
	SgRowPair	pair;

	sg_row_pair(oldtup, newtup, desc, &pair);
	for (int i = 0; i < desc->natts; i++)
		if (!TupleDescAttr(desc, i)->attisdropped && !TupleDescAttr(desc, i)->attgenerated &&
			pair.changed[i])
			return true;
	return false;
}

/*
 * Validates an UPDATE against the machine and returns the tuple to store:
 * the transition exists, the actor holds a permit (org_id is the record's
 * local authority), only the transition's columns change, its required
 * columns are present, and its stamped columns are set here.
 */
HeapTuple
sg_guard_update(TriggerData *td, const SgGuardSpec *spec, int64 id, int64 org_id)
{
	const SgMachine *m = spec->machine;
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	oldtup = td->tg_trigtuple;
	HeapTuple	newtup = td->tg_newtuple;
	int			from = sg_row_state(m, oldtup, desc, spec->state_column);
	int			to = sg_row_state(m, newtup, desc, spec->state_column);
	const SgTransition *t;
	const SgActor *actor;
	SgDuty		duty;
	int			n = 0;

	if (sg_internal_writing())
		return newtup;

	/* Setting the state to the state it has is an attempt at a transition. */
	if (from == to && td->tg_updatedcols != NULL &&
		bms_is_member(sg_attnum(desc, spec->state_column) - FirstLowInvalidHeapAttributeNumber,
					  td->tg_updatedcols))
		refuse_transition(spec, from, to, id, false);

	actor = sg_current_actor();
	if (from == to)
	{
		int		   *next = palloc(sizeof(int) * m->nstates);

		if (!any_change(oldtup, newtup, desc))
			return newtup;
		if (sg_fsm_next_states(m, from, next) == 0)
			sg_refuse_change(psprintf("a %s that is %s", m->name, sg_fsm_state_name(m, from)),
							 "changed", "A record in a final state is kept as it is.");
		if (spec->corrections == NULL)
			sg_check_changed_columns(oldtup, newtup, desc, spec->state_column, NULL,
								  psprintf("while a %s is %s", m->name, sg_fsm_state_name(m, from)));
		sg_check_changed_columns(oldtup, newtup, desc, spec->state_column, spec->corrections,
							  "without a transition");
		duty = sg_require_permit(actor, spec->correctors, spec->ncorrectors, org_id,
								 psprintf("correct a %s", m->name));
		sg_audit_note_duty(RelationGetRelid(td->tg_relation), id, duty);
		return newtup;
	}

	t = sg_fsm_transition(m, from, to);
	if (t == NULL || t->npermits == 0)
		refuse_transition(spec, from, to, id, t != NULL);
	duty = sg_require_permit(actor, t->permits, t->npermits, org_id,
							 psprintf("move %s " INT64_FORMAT " from %s to %s", m->name, id,
									  sg_fsm_state_name(m, from), sg_fsm_state_name(m, to)));
	sg_check_changed_columns(oldtup, newtup, desc, spec->state_column, t->supplied,
						  psprintf("when a %s moves from %s to %s", m->name,
								   sg_fsm_state_name(m, from), sg_fsm_state_name(m, to)));
	/* workflow rules first: a missing rationale is SG205, like a blank one */
	if (spec->rules)
		spec->rules(t, oldtup, newtup, desc, id);
	for (int i = 0; i < SG_MAX_COLUMNS && t->required[i]; i++)
		sg_require_column(m, newtup, desc, t->required[i], to);

	while (n < SG_MAX_COLUMNS && t->stamped[n])
		n++;
	newtup = sg_stamp(newtup, desc, t->stamped, n);
	sg_audit_note_duty(RelationGetRelid(td->tg_relation), id, duty);
	return newtup;
}

/*
 * Returns true when a client's UPDATE leaves the state as it is and changes
 * allocated_to: an allocation (sg_allocate_update), not a transition.
 * Tables without allocated_to (referral before version 1.2) have none.
 */
bool
sg_is_allocation(TriggerData *td, const SgMachine *m)
{
	TupleDesc	desc = RelationGetDescr(td->tg_relation);

	return !sg_internal_writing() && sg_has_column(desc, "allocated_to") &&
		sg_row_state(m, td->tg_trigtuple, desc, "state") ==
		sg_row_state(m, td->tg_newtuple, desc, "state") &&
		!sg_column_unchanged(td->tg_trigtuple, td->tg_newtuple, desc, sg_attnum(desc, "allocated_to"));
}

/*
 * Validates an update that changes allocated_to and nothing else (of the
 * client's columns) and returns the stamped tuple: the actor holds the
 * allocation action for the authority, no other column changes (SG203),
 * the record is open for allocation (state_ok, else SG602 with state_hint),
 * and the role allocated holds la_officer or sam there (SG602; NULL, back to
 * the unallocated queue, only when may_unallocate).  Who allocated and when
 * are stamped.  Shared by referrals and the council's enquiries.
 */
HeapTuple
sg_allocate_update(TriggerData *td, const SgMachine *m, const char *action,
				   int64 id, int64 la_id, bool state_ok, const char *state_hint,
				   bool may_unallocate, const char *role_hint)
{
	static const char *const allowed[] = {"allocated_to", NULL};
	static const char *const stamped[] = {"allocated_by", "allocated_at"};
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	newtup = td->tg_newtuple;
	bool		isnull;
	Oid			to;
	SgDuty		duty;

	duty = sg_require_action(sg_current_actor(), action, la_id);
	sg_check_changed_columns(td->tg_trigtuple, newtup, desc, "state", allowed,
							 psprintf("when a %s is allocated", m->name));
	if (!state_ok)
		ereport(ERROR,
				(errcode(ERRCODE_SG_ALLOCATION),
				 errmsg("%s " INT64_FORMAT " cannot be allocated now", m->name, id),
				 errdetail("It is %s.", sg_fsm_state_name(m, sg_row_state(m, newtup, desc, "state"))),
				 errhint("%s", state_hint)));
	to = DatumGetObjectId(sg_get(newtup, desc, "allocated_to", &isnull));
	if (isnull ? !may_unallocate :
		!sg_role_holds_duty_for(to, SG_DUTY_BIT(SG_DUTY_LA_OFFICER) | SG_DUTY_BIT(SG_DUTY_SAM), la_id))
		ereport(ERROR,
				(errcode(ERRCODE_SG_ALLOCATION),
				 errmsg("%s " INT64_FORMAT " cannot be allocated to that role", m->name, id),
				 isnull ? errdetail("No role is given.")
				 : errdetail("Role %u holds no la_officer or sam duty for local authority " INT64_FORMAT ".", to, la_id),
				 errhint("%s", role_hint)));
	sg_audit_note_duty(RelationGetRelid(td->tg_relation), id, duty);
	return sg_stamp(newtup, desc, stamped, lengthof(stamped));
}

/*
 * Returns the tuple with the named columns stamped by convention: "*_by"
 * the acting role, "*_org_id" its organisation, anything else (the "*_at"
 * columns) safeguard's time.
 */
HeapTuple
sg_stamp(HeapTuple tup, TupleDesc desc, const char *const *cols, int n)
{
	const SgActor *actor = sg_current_actor();
	Datum	   *vals = palloc(sizeof(Datum) * Max(n, 1));
	bool	   *nulls = palloc0(sizeof(bool) * Max(n, 1));

	for (int i = 0; i < n; i++)
	{
		size_t		len = strlen(cols[i]);

		if (len > 3 && strcmp(cols[i] + len - 3, "_by") == 0)
			vals[i] = ObjectIdGetDatum(actor->userid);
		else if (len > 7 && strcmp(cols[i] + len - 7, "_org_id") == 0)
			vals[i] = Int64GetDatum(actor->org_id);
		else
			vals[i] = TimestampTzGetDatum(sg_now());
	}
	return sg_set(tup, desc, n, (const char **) cols, vals, nulls);
}

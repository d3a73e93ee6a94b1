/*
 * fsm_checks.h
 *		Checks every state machine's table must pass, shared by the unit
 *		tests of the machines (la_enquiry_fsm_test, caused_enquiry_fsm_test):
 *		each transition's column lists are well formed.
 */
#ifndef SAFEGUARD_FSM_CHECKS_H
#define SAFEGUARD_FSM_CHECKS_H

#include "fsm.h"
#include "tap.h"

#include <string.h>

/* One result per transition: required within supplied, stamped never supplied nor twice. */
static inline void
check_column_lists(const SgMachine *m, const char *const *state_names)
{
	for (int i = 0; i < m->ntransitions; i++)
	{
		const SgTransition *x = &m->transitions[i];
		bool		good = true;

		for (int r = 0; r < SG_MAX_COLUMNS && x->required[r]; r++)
			good &= sg_column_listed(x->supplied, x->required[r]);
		for (int s = 0; s < SG_MAX_COLUMNS && x->stamped[s]; s++)
		{
			good &= !sg_column_listed(x->supplied, x->stamped[s]);
			for (int q = s + 1; q < SG_MAX_COLUMNS && x->stamped[q]; q++)
				good &= strcmp(x->stamped[s], x->stamped[q]) != 0;
		}
		ok(good, "%s -> %s: required within supplied, stamped never supplied nor twice",
		   state_names[x->from], state_names[x->to]);
	}
}

#endif							/* SAFEGUARD_FSM_CHECKS_H */

/*
 * deadline_kinds.c
 *		The kinds of deadline and their subject tables as data: one name per
 *		enum value, and the table each kind belongs to.  Backend-free
 *		(unit-tested in test/unit).
 *
 * Invariants:
 *	- The names and subjects are the rows of safeguard.deadline_kind
 *	  (kind, subject) in the install scripts; a kind belongs to exactly
 *	  one subject table.
 */
#include "deadline_kinds.h"

#include <stddef.h>
#include <string.h>

static const char *const subject_names[SG_NSUBJECTS] = {
	[SG_SUBJECT_CONCERN] = "concern",
	[SG_SUBJECT_REFERRAL] = "referral",
	[SG_SUBJECT_PROVIDER_ENQUIRY] = "provider_enquiry",
	[SG_SUBJECT_LA_ENQUIRY] = "la_enquiry",
	[SG_SUBJECT_CASE_FILE_AUDIT] = "case_file_audit",
	[SG_SUBJECT_AUDIT_ACTION] = "audit_action",
	[SG_SUBJECT_SAR_REFERRAL] = "sar_referral",
	[SG_SUBJECT_CAUSED_ENQUIRY] = "caused_enquiry",
};

static const struct
{
	const char *name;
	SgDeadlineSubject subject;
}			kinds[SG_NDEADLINEKINDS] = {
	[SG_DL_TRIAGE] = {"triage", SG_SUBJECT_CONCERN},
	[SG_DL_SEND] = {"send", SG_SUBJECT_REFERRAL},
	[SG_DL_SEND_IMMEDIATE] = {"send_immediate", SG_SUBJECT_REFERRAL},
	[SG_DL_LA_ACKNOWLEDGEMENT] = {"la_acknowledgement", SG_SUBJECT_REFERRAL},
	[SG_DL_LA_OUTCOME] = {"la_outcome", SG_SUBJECT_REFERRAL},
	[SG_DL_LA_OUTCOME_ESCALATION] = {"la_outcome_escalation", SG_SUBJECT_REFERRAL},
	[SG_DL_FEEDBACK] = {"feedback", SG_SUBJECT_REFERRAL},
	[SG_DL_INITIAL_MEETING] = {"initial_meeting", SG_SUBJECT_PROVIDER_ENQUIRY},
	[SG_DL_INITIAL_MEETING_MAJOR] = {"initial_meeting_major", SG_SUBJECT_PROVIDER_ENQUIRY},
	[SG_DL_FACT_FINDING] = {"fact_finding", SG_SUBJECT_PROVIDER_ENQUIRY},
	[SG_DL_PROVIDER_RESPONSE] = {"provider_response", SG_SUBJECT_PROVIDER_ENQUIRY},
	[SG_DL_QUALITY_ASSURANCE] = {"quality_assurance", SG_SUBJECT_PROVIDER_ENQUIRY},
	[SG_DL_DELAY_MEETING] = {"delay_meeting", SG_SUBJECT_PROVIDER_ENQUIRY},
	[SG_DL_ENQUIRY_CONTACT] = {"enquiry_contact", SG_SUBJECT_LA_ENQUIRY},
	[SG_DL_ENQUIRY_CONCLUSION] = {"enquiry_conclusion", SG_SUBJECT_LA_ENQUIRY},
	[SG_DL_ENQUIRY_FEEDBACK] = {"enquiry_feedback", SG_SUBJECT_LA_ENQUIRY},
	[SG_DL_STRATEGY_DISCUSSION] = {"strategy_discussion", SG_SUBJECT_LA_ENQUIRY},
	[SG_DL_PLAN_REVIEW] = {"plan_review", SG_SUBJECT_LA_ENQUIRY},
	[SG_DL_AUDIT_ACKNOWLEDGEMENT] = {"audit_acknowledgement", SG_SUBJECT_CASE_FILE_AUDIT},
	[SG_DL_AUDIT_ACTION] = {"audit_action", SG_SUBJECT_AUDIT_ACTION},
	[SG_DL_SAR_DECISION] = {"sar_decision", SG_SUBJECT_SAR_REFERRAL},
	[SG_DL_SAR_COMPLETION] = {"sar_completion", SG_SUBJECT_SAR_REFERRAL},
	[SG_DL_CAUSED_REPORT] = {"caused_report", SG_SUBJECT_CAUSED_ENQUIRY},
};

/* Returns the name of a deadline kind ("?" out of range). */
const char *
sg_deadline_kind_name(SgDeadlineKind k)
{
	return ((int) k >= 0 && k < SG_NDEADLINEKINDS) ? kinds[k].name : "?";
}

/* Parses a deadline kind's name; returns false when unknown. */
bool
sg_deadline_kind_parse(const char *name, SgDeadlineKind *k)
{
	for (int i = 0; i < SG_NDEADLINEKINDS; i++)
		if (strcmp(kinds[i].name, name) == 0)
		{
			*k = (SgDeadlineKind) i;
			return true;
		}
	return false;
}

/* Returns the table the records of a deadline kind are in (SG_NSUBJECTS out of range). */
SgDeadlineSubject
sg_deadline_kind_subject(SgDeadlineKind k)
{
	return ((int) k >= 0 && k < SG_NDEADLINEKINDS) ? kinds[k].subject : SG_NSUBJECTS;
}

/* Returns the name of a subject table ("?" out of range). */
const char *
sg_deadline_subject_name(SgDeadlineSubject s)
{
	return ((int) s >= 0 && s < SG_NSUBJECTS) ? subject_names[s] : "?";
}

/* Parses a subject table's name; returns false when unknown. */
bool
sg_deadline_subject_parse(const char *name, SgDeadlineSubject *s)
{
	for (int i = 0; i < SG_NSUBJECTS; i++)
		if (strcmp(subject_names[i], name) == 0)
		{
			*s = (SgDeadlineSubject) i;
			return true;
		}
	return false;
}

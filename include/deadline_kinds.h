/*
 * deadline_kinds.h
 *		The kinds of deadline safeguard keeps and the tables of the records
 *		they belong to, as enums with one mapping to the names the schema
 *		uses (deadline_kinds.c, backend-free): the rows of
 *		safeguard.deadline_kind, and deadline.subject_table.
 */
#ifndef SAFEGUARD_DEADLINE_KINDS_H
#define SAFEGUARD_DEADLINE_KINDS_H

#include <stdbool.h>

/* The tables deadlines belong to (deadline.subject_table). */
typedef enum SgDeadlineSubject
{
	SG_SUBJECT_CONCERN = 0,
	SG_SUBJECT_REFERRAL,
	SG_SUBJECT_PROVIDER_ENQUIRY,
	SG_SUBJECT_LA_ENQUIRY,
	SG_SUBJECT_CASE_FILE_AUDIT,	/* assurance: an audit's acknowledgement */
	SG_SUBJECT_AUDIT_ACTION,	/* assurance: an action an audit set */
	SG_SUBJECT_SAR_REFERRAL,	/* assurance: a Safeguarding Adults Review */
	SG_SUBJECT_CAUSED_ENQUIRY,	/* council pathway: an enquiry caused to another organisation */
	SG_NSUBJECTS
} SgDeadlineSubject;

/* The kinds of deadline (public interface: the names never change). */
typedef enum SgDeadlineKind
{
	SG_DL_TRIAGE = 0,			/* concern: triage decision */
	SG_DL_SEND,					/* referral: sent by the contact centre */
	SG_DL_SEND_IMMEDIATE,		/* referral: sent, adult at immediate risk */
	SG_DL_LA_ACKNOWLEDGEMENT,	/* referral: acknowledged by the LA */
	SG_DL_LA_OUTCOME,			/* referral: outcome recorded */
	SG_DL_LA_OUTCOME_ESCALATION,	/* referral: outcome, escalation point */
	SG_DL_FEEDBACK,				/* referral: feedback to the referrer */
	SG_DL_INITIAL_MEETING,		/* provider enquiry: initial meeting */
	SG_DL_INITIAL_MEETING_MAJOR,	/* provider enquiry: initial meeting, major risk */
	SG_DL_FACT_FINDING,			/* provider enquiry: fact finding */
	SG_DL_PROVIDER_RESPONSE,	/* provider enquiry: response to the plan */
	SG_DL_QUALITY_ASSURANCE,	/* provider enquiry: quality assurance */
	SG_DL_DELAY_MEETING,		/* provider enquiry: meeting forced by a delay */
	SG_DL_ENQUIRY_CONTACT,		/* LA enquiry: started, adult and referrer contacted */
	SG_DL_ENQUIRY_CONCLUSION,	/* LA enquiry: concluded */
	SG_DL_ENQUIRY_FEEDBACK,		/* LA enquiry: feedback to the referrer */
	SG_DL_STRATEGY_DISCUSSION,	/* LA enquiry: strategy discussion, when held */
	SG_DL_PLAN_REVIEW,			/* LA enquiry: safeguarding plan reviewed */
	SG_DL_AUDIT_ACKNOWLEDGEMENT,	/* case-file audit: the practitioner acknowledges */
	SG_DL_AUDIT_ACTION,			/* audit action: done by its owner */
	SG_DL_SAR_DECISION,			/* SAR referral: the board's decision */
	SG_DL_SAR_COMPLETION,		/* SAR: the commissioned review completed */
	SG_DL_CAUSED_REPORT,		/* caused enquiry: the other organisation's report */
	SG_NDEADLINEKINDS
} SgDeadlineKind;

extern const char *sg_deadline_kind_name(SgDeadlineKind k);
extern bool sg_deadline_kind_parse(const char *name, SgDeadlineKind *k);
extern SgDeadlineSubject sg_deadline_kind_subject(SgDeadlineKind k);
extern const char *sg_deadline_subject_name(SgDeadlineSubject s);
extern bool sg_deadline_subject_parse(const char *name, SgDeadlineSubject *s);

#endif							/* SAFEGUARD_DEADLINE_KINDS_H */

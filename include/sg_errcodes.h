/*
 * sg_errcodes.h
 *		The domain SQLSTATEs of safeguard, all in class "SG".
 *
 * Class SG is implementation-defined space (SQL standard: classes starting
 * with I-Z).  Tests assert these codes, never message text; the README's
 * "SQLSTATEs" section lists every one.  Numbering: SG1xx calendar,
 * SG2xx referral workflow, SG3xx provider enquiries, SG4xx audit,
 * SG5xx deadlines,
 * SG6xx reporting, SG7xx backup and restore, SG8xx locks, waits and
 * sessions, SG9xx assurance (case-file audits, Safeguarding Adults Reviews).  A code, once released, keeps its meaning.
 */
#ifndef SAFEGUARD_SG_ERRCODES_H
#define SAFEGUARD_SG_ERRCODES_H

#include "utils/elog.h"

/* Calendar engine */
#define ERRCODE_SG_CALENDAR_NOT_COVERED		MAKE_SQLSTATE('S','G','1','0','1')
#define ERRCODE_SG_UNKNOWN_DIVISION			MAKE_SQLSTATE('S','G','1','0','2')
#define ERRCODE_SG_NULL_ARGUMENT			MAKE_SQLSTATE('S','G','1','0','3')
#define ERRCODE_SG_INFINITE_DATE			MAKE_SQLSTATE('S','G','1','0','4')
#define ERRCODE_SG_CALENDAR_OVERFLOW		MAKE_SQLSTATE('S','G','1','0','5')
#define ERRCODE_SG_INVALID_HOLIDAY_DOCUMENT	MAKE_SQLSTATE('S','G','1','0','6')
#define ERRCODE_SG_INVALID_TIME_ZONE		MAKE_SQLSTATE('S','G','1','0','7')
#define ERRCODE_SG_INVALID_COVERAGE			MAKE_SQLSTATE('S','G','1','0','8')

/* Organisations, duties and the referral workflow */
#define ERRCODE_SG_INVALID_TRANSITION		MAKE_SQLSTATE('S','G','2','0','1')
#define ERRCODE_SG_REQUIRED_FIELD			MAKE_SQLSTATE('S','G','2','0','2')
#define ERRCODE_SG_FORGED_COLUMN			MAKE_SQLSTATE('S','G','2','0','3')
#define ERRCODE_SG_IMMUTABLE_RECORD			MAKE_SQLSTATE('S','G','2','0','4')
#define ERRCODE_SG_RATIONALE_REQUIRED		MAKE_SQLSTATE('S','G','2','0','5')
#define ERRCODE_SG_INVALID_REFERRER			MAKE_SQLSTATE('S','G','2','0','6')
#define ERRCODE_SG_INVALID_NHS_NUMBER		MAKE_SQLSTATE('S','G','2','0','7')
#define ERRCODE_SG_NOT_FOUND				MAKE_SQLSTATE('S','G','2','0','8')
#define ERRCODE_SG_DUTY_GRANT_CONFLICT		MAKE_SQLSTATE('S','G','2','0','9')
#define ERRCODE_SG_INVALID_ORGANISATION		MAKE_SQLSTATE('S','G','2','1','0')
#define ERRCODE_SG_INVALID_TIME				MAKE_SQLSTATE('S','G','2','1','1')
#define ERRCODE_SG_INVALID_POLICY			MAKE_SQLSTATE('S','G','2','1','2')
#define ERRCODE_SG_NO_DUTY					MAKE_SQLSTATE('S','G','2','1','3')

/* The council pathway: concern decisions and LA enquiries (issue 16) */
#define ERRCODE_SG_NOT_COUNCIL_CONCERN		MAKE_SQLSTATE('S','G','2','1','4')
#define ERRCODE_SG_ALTERNATIVE_ACTION		MAKE_SQLSTATE('S','G','2','1','5')
#define ERRCODE_SG_NOT_ALLOCATED_OFFICER	MAKE_SQLSTATE('S','G','2','1','6')
#define ERRCODE_SG_MSP_INCOMPLETE			MAKE_SQLSTATE('S','G','2','1','7')
#define ERRCODE_SG_NOT_APPLICABLE_DECEASED	MAKE_SQLSTATE('S','G','2','1','8')
#define ERRCODE_SG_OUTCOME_INCOMPLETE		MAKE_SQLSTATE('S','G','2','1','9')
#define ERRCODE_SG_FEEDBACK_REQUIRED		MAKE_SQLSTATE('S','G','2','2','0')
#define ERRCODE_SG_ENQUIRY_RECORD_STATE		MAKE_SQLSTATE('S','G','2','2','1')
#define ERRCODE_SG_REFERRAL_ARRIVED			MAKE_SQLSTATE('S','G','2','2','2')
/* caused enquiries (Care Act s42(2), caused_enquiry.c) */
#define ERRCODE_SG_CAUSED_ENQUIRY_STATE		MAKE_SQLSTATE('S','G','2','2','6')
#define ERRCODE_SG_CAUSED_ORGANISATION		MAKE_SQLSTATE('S','G','2','2','7')
#define ERRCODE_SG_CAUSED_REPORT_RECEIPT	MAKE_SQLSTATE('S','G','2','2','8')
#define ERRCODE_SG_CAUSED_ENQUIRY_OPEN		MAKE_SQLSTATE('S','G','2','2','9')

/* Large-scale provider enquiries */
#define ERRCODE_SG_TIMESCALE_TOO_LONG		MAKE_SQLSTATE('S','G','3','0','1')
#define ERRCODE_SG_THRESHOLD_NOT_MET		MAKE_SQLSTATE('S','G','3','0','2')
#define ERRCODE_SG_CLOSURE_INCOMPLETE		MAKE_SQLSTATE('S','G','3','0','3')
#define ERRCODE_SG_APPOINTMENT				MAKE_SQLSTATE('S','G','3','0','4')
#define ERRCODE_SG_ENQUIRY_STAGE			MAKE_SQLSTATE('S','G','3','0','5')

/* Audit trail */
#define ERRCODE_SG_AUDIT_TAMPERED			MAKE_SQLSTATE('S','G','4','0','1')
#define ERRCODE_SG_INVALID_DIGEST			MAKE_SQLSTATE('S','G','4','0','2')
#define ERRCODE_SG_PROTECTED_OBJECT			MAKE_SQLSTATE('S','G','4','0','3')
#define ERRCODE_SG_LEDGER_MISMATCH			MAKE_SQLSTATE('S','G','4','0','4')

/* Deadlines */
#define ERRCODE_SG_DEADLINE_STATE			MAKE_SQLSTATE('S','G','5','0','1')
#define ERRCODE_SG_ALREADY_EXTENDED			MAKE_SQLSTATE('S','G','5','0','2')
#define ERRCODE_SG_APPROVER					MAKE_SQLSTATE('S','G','5','0','3')

/* Reporting, allocation and pseudonyms */
#define ERRCODE_SG_INVALID_PERIOD			MAKE_SQLSTATE('S','G','6','0','1')
#define ERRCODE_SG_ALLOCATION				MAKE_SQLSTATE('S','G','6','0','2')
#define ERRCODE_SG_WEAK_SECRET				MAKE_SQLSTATE('S','G','6','0','3')
#define ERRCODE_SG_INCONSISTENT_ANSWERS		MAKE_SQLSTATE('S','G','6','0','4')
#define ERRCODE_SG_INVALID_ETHNIC_CATEGORY	MAKE_SQLSTATE('S','G','6','0','5')
#define ERRCODE_SG_INVALID_SUPPORT_REASON	MAKE_SQLSTATE('S','G','6','0','6')
#define ERRCODE_SG_INVALID_CASSR_CODE		MAKE_SQLSTATE('S','G','6','0','7')
#define ERRCODE_SG_INVALID_ONS_CODE			MAKE_SQLSTATE('S','G','6','0','8')
/* a report's period that ends before it starts (raised by repeat_concerns(), data_quality()) */
#define ERRCODE_SG_PERIOD_REVERSED			MAKE_SQLSTATE('S','G','6','0','9')

/* Backup and restore (SG7xx; docs/backup.md) */
#define ERRCODE_SG_RESTORE_PROCEDURE		MAKE_SQLSTATE('S','G','7','0','1')

/* Locks, waits and sessions (SG8xx) */
#define ERRCODE_SG_LOCK_WAIT_TIMEOUT		MAKE_SQLSTATE('S','G','8','0','1')
#define ERRCODE_SG_PREPARED_LOCKS			MAKE_SQLSTATE('S','G','8','0','2')
#define ERRCODE_SG_POOL_ROLE_NOT_LOCAL		MAKE_SQLSTATE('S','G','8','0','3')

/* Assurance: case-file audits and Safeguarding Adults Reviews (SG9xx; docs/assurance.md) */
#define ERRCODE_SG_AUDIT_TOOL_EMPTY			MAKE_SQLSTATE('S','G','9','0','1')
#define ERRCODE_SG_AUDIT_TOOL_FROZEN		MAKE_SQLSTATE('S','G','9','0','2')
#define ERRCODE_SG_EMPTY_SAMPLE				MAKE_SQLSTATE('S','G','9','0','3')
#define ERRCODE_SG_OWN_WORK					MAKE_SQLSTATE('S','G','9','0','4')
#define ERRCODE_SG_AUDIT_INCOMPLETE			MAKE_SQLSTATE('S','G','9','0','5')
#define ERRCODE_SG_INVALID_PROGRAMME		MAKE_SQLSTATE('S','G','9','0','6')
#define ERRCODE_SG_SELECTION_EXISTS			MAKE_SQLSTATE('S','G','9','0','7')
#define ERRCODE_SG_AUDIT_ACTION				MAKE_SQLSTATE('S','G','9','0','8')
#define ERRCODE_SG_SAR_CRITERIA				MAKE_SQLSTATE('S','G','9','1','1')
#define ERRCODE_SG_SAR_STAGE				MAKE_SQLSTATE('S','G','9','1','2')
/* The packs (issue 17 items 3-4; docs/assurance.md) */
#define ERRCODE_SG_PACK_EMPTY				MAKE_SQLSTATE('S','G','9','1','3')
#define ERRCODE_SG_PACK_PERIOD				MAKE_SQLSTATE('S','G','9','1','4')

#endif							/* SAFEGUARD_SG_ERRCODES_H */

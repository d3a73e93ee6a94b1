/*
 * bench/w1/comparators.sql: the comparators of the referral workloads, each on
 * its own copy of the referral pool (bench/w1/setup.sql), loaded identically:
 * the same rows, the same audit rows before the run, the same indexes.
 *
 *   bare     safeguard_bench.bare_referral: a plain table shaped like
 *            safeguard.referral (same columns, defaults, checks, indexes), no
 *            trigger, no foreign key, no row-level security.  The transition is
 *            a bare UPDATE: what the machine does with no rule and no audit.
 *   floor    safeguard_bench.floor_referral (as bare) plus floor_audit (shaped
 *            like safeguard.audit_event, its indexes, no hash and no chain
 *            constraint): the UPDATE plus an explicit audit INSERT of the same
 *            content in the same statement (a writable CTE, one round trip):
 *            the least an audited update costs with no checks at all.
 *   plpgsql  safeguard_bench.pl_referral (as bare, plus the same foreign keys
 *            and a row-level security policy of the same meaning) with the same
 *            rules written in PL/pgSQL: the duty lookup (cached per statement,
 *            as the C does), the transition table as data, the allowed columns,
 *            the rationale, the required columns, the stamps, then an audit row
 *            with the same canonical content, its chain's row lock, the chain
 *            head read, SHA-256 over the same field encoding (sha256()), and a
 *            synchronous commit forced like the C does.  Deadlines are not
 *            implemented: the benchmarked transitions (decide; corrections)
 *            neither open nor close any.  Transitions the benchmarks never make
 *            (outcome, closing) raise feature_not_supported instead of being
 *            half-checked.
 *
 * psql variables: cc, officer (role names, as for setup.sql).  Load it after
 * setup.sql and before or after grow_pool: it copies what the pool holds, and
 * safeguard_bench.after_grow() copies what grow_pool adds later.
 */
SET client_min_messages = warning;

CREATE TABLE safeguard_bench.bare_referral (LIKE safeguard.referral INCLUDING ALL);
CREATE TABLE safeguard_bench.floor_referral (LIKE safeguard.referral INCLUDING ALL);
CREATE TABLE safeguard_bench.pl_referral (LIKE safeguard.referral INCLUDING ALL);
COMMENT ON TABLE safeguard_bench.bare_referral IS 'W1 comparator bare: safeguard.referral''s shape, no trigger.';
COMMENT ON TABLE safeguard_bench.floor_referral IS 'W1 comparator floor: safeguard.referral''s shape, audited by an explicit INSERT.';
COMMENT ON TABLE safeguard_bench.pl_referral IS 'W1 comparator plpgsql: safeguard.referral''s shape, rules in PL/pgSQL.';

-- The same foreign keys as safeguard.referral on the PL/pgSQL copy.
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT conname, pg_catalog.pg_get_constraintdef(oid) AS def
               FROM pg_catalog.pg_constraint
              WHERE conrelid = 'safeguard.referral'::regclass AND contype = 'f' LOOP
        EXECUTE format('ALTER TABLE safeguard_bench.pl_referral ADD CONSTRAINT %I %s', c.conname, c.def);
    END LOOP;
END
$$;

-- Audit tables shaped like safeguard.audit_event, with its indexes.
\ir ../floor_audit.sql

CREATE TABLE safeguard_bench.pl_audit (LIKE safeguard.audit_event INCLUDING ALL);
COMMENT ON TABLE safeguard_bench.pl_audit IS 'W1 comparator plpgsql: the hash-chained audit trail.';
CREATE TABLE safeguard_bench.pl_serial_lock (key text PRIMARY KEY);
COMMENT ON TABLE safeguard_bench.pl_serial_lock IS 'W1 comparator plpgsql: one row per audit chain, locked by its writers.';
CREATE TABLE safeguard_bench.pl_duty_grant (LIKE safeguard.duty_grant INCLUDING ALL);
COMMENT ON TABLE safeguard_bench.pl_duty_grant IS 'W1 comparator plpgsql: the duty grants (a copy).';
INSERT INTO safeguard_bench.pl_duty_grant OVERRIDING SYSTEM VALUE SELECT * FROM safeguard.duty_grant;
CREATE INDEX ON safeguard_bench.pl_duty_grant (role) WHERE revoked_at IS NULL;

-- The referral machine as data: who may make each transition, which columns
-- it supplies, requires and stamps (src/referral_fsm.c).
CREATE TABLE safeguard_bench.pl_transition (
    from_state safeguard.referral_state,
    to_state   safeguard.referral_state,
    permits    text[] NOT NULL,     -- duty@regulator, duty@recipient_la, duty@any
    supplied   text[] NOT NULL,
    required   text[] NOT NULL,
    stamped    text[] NOT NULL,
    PRIMARY KEY (from_state, to_state)
);
COMMENT ON TABLE safeguard_bench.pl_transition IS 'W1 comparator plpgsql: the referral transition table.';
INSERT INTO safeguard_bench.pl_transition VALUES
    ('awaiting_send', 'sent', '{contact_centre@regulator}',
     '{sent_at,sent_method,la_contact,la_id}', '{sent_at,sent_method,la_id}',
     '{sent_by,sent_org_id,sent_recorded_at}'),
    ('sent', 'acknowledged', '{la_officer@recipient_la,contact_centre@regulator}',
     '{acknowledged_at,la_reference,la_contact}', '{acknowledged_at}',
     '{acknowledged_by,acknowledged_org_id}'),
    ('acknowledged', 'decided', '{la_officer@recipient_la}',
     '{la_decision,la_decision_rationale}', '{la_decision,la_decision_rationale}',
     '{decided_by,decided_org_id,decided_at}'),
    ('decided', 'outcome_recorded', '{la_officer@recipient_la}',
     '{action_result,risk_outcome,harm_from_delay,lacked_capacity,advocate_supported,msp_asked,msp_achieved}',
     '{}', '{outcome_by,outcome_org_id,outcome_at}'),
    ('outcome_recorded', 'closed', '{la_officer@recipient_la}',
     '{feedback_at,feedback_method,feedback_waived_reason}', '{}', '{closed_by,closed_org_id,closed_at}'),
    ('awaiting_send', 'withdrawn', '{admin@any}',
     '{withdrawal_rationale}', '{withdrawal_rationale}', '{withdrawn_by,withdrawn_org_id,withdrawn_at}');

/*
 * The acting role's active grants: duties, organisation and its kind, looked
 * up once per statement (cached in a transaction-local setting keyed by the
 * role and the statement's start), like sg_current_actor() (which keeps them
 * longer, until they change).  SECURITY DEFINER so that roles need no access
 * to the grant table; every name is schema-qualified.  (Splitting the lookup
 * into a SECURITY DEFINER SQL function called from an invoker's cache check
 * was measured: the SQL function, not inlinable, is planned again at every
 * call, and a miss cost 4x more.)
 */
CREATE FUNCTION safeguard_bench.pl_actor(r regrole, OUT duties text[], OUT org_id bigint, OUT org_kind text)
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    k text := r::oid::text || '@' || pg_catalog.statement_timestamp()::text;
    cached text := pg_catalog.current_setting('safeguard_bench.actor', true);
    parts text[];
BEGIN
    IF cached IS NOT NULL AND pg_catalog.starts_with(cached, k || '|') THEN
        parts := pg_catalog.string_to_array(cached, '|');
        duties := parts[2]::text[];
        org_id := parts[3]::bigint;
        org_kind := parts[4];
        RETURN;
    END IF;
    SELECT coalesce(pg_catalog.array_agg(g.duty::text), '{}'), pg_catalog.max(g.organisation_id),
           pg_catalog.max(o.kind::text)
      INTO duties, org_id, org_kind
      FROM safeguard_bench.pl_duty_grant g
      JOIN safeguard.organisation o ON o.id = g.organisation_id
     WHERE g.role = r AND g.revoked_at IS NULL;
    cached := pg_catalog.set_config('safeguard_bench.actor',
        k || '|' || duties::text || '|' || coalesce(org_id::text, '') || '|' || coalesce(org_kind, ''), true);
END
$$;
COMMENT ON FUNCTION safeguard_bench.pl_actor(regrole) IS 'W1 comparator plpgsql: the acting role''s duties, cached per statement.';

/* The row-level security predicate (sg_actor_may_see_la). */
CREATE FUNCTION safeguard_bench.pl_may_see_la(la bigint) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
DECLARE
    a record := safeguard_bench.pl_actor(current_user::regrole);
BEGIN
    IF a.duties && '{contact_centre,inspector,admin}' AND (a.org_kind = 'regulator' OR 'admin' = ANY (a.duties)) THEN
        RETURN true;
    END IF;
    RETURN a.duties && '{la_officer,sam,enquiry_officer,commissioner}' AND a.org_kind = 'local_authority'
           AND a.org_id = la;
END
$$;
COMMENT ON FUNCTION safeguard_bench.pl_may_see_la(bigint) IS 'W1 comparator plpgsql: may the acting role see this authority''s casework.';
ALTER TABLE safeguard_bench.pl_referral ENABLE ROW LEVEL SECURITY;
ALTER TABLE safeguard_bench.pl_referral FORCE ROW LEVEL SECURITY;
CREATE POLICY la_scope ON safeguard_bench.pl_referral
    USING (safeguard_bench.pl_may_see_la(la_id)) WITH CHECK (safeguard_bench.pl_may_see_la(la_id));

/*
 * Returns the duty of the first permit the actor a holds, or raises 42501.
 * The caller passes the actor it looked up, so a trigger looks it up once.
 */
CREATE FUNCTION safeguard_bench.pl_require_permit(a record, permits text[], la bigint, action text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    p text;
    duty text;
    org text;
BEGIN
    FOREACH p IN ARRAY permits LOOP
        duty := pg_catalog.split_part(p, '@', 1);
        org := pg_catalog.split_part(p, '@', 2);
        IF duty = ANY (a.duties) AND (CASE org WHEN 'regulator' THEN a.org_kind = 'regulator'
                                                WHEN 'recipient_la' THEN a.org_id = la
                                                ELSE a.org_id IS NOT NULL END) THEN
            RETURN duty;
        END IF;
    END LOOP;
    RAISE EXCEPTION 'permission denied to %', action USING ERRCODE = '42501',
        DETAIL = format('Requires duty %s; role "%s" holds %s for organisation %s.',
                        pg_catalog.array_to_string(permits, ' or '), current_user,
                        coalesce(pg_catalog.array_to_string(a.duties, ', '), 'no duty'), a.org_id),
        HINT = 'Only a role granted that duty may do this.';
END
$$;
COMMENT ON FUNCTION safeguard_bench.pl_require_permit(record, text[], bigint, text) IS 'W1 comparator plpgsql: the duty check.';

/*
 * Raises SG203 naming the first column of `changed` (a jsonb object of the
 * columns to look at, from NEW) that differs from OLD's `o`: called only once
 * a cheap comparison of the whole rows found one.
 */
CREATE FUNCTION safeguard_bench.pl_refuse_column(o jsonb, changed jsonb, message text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    bad text;
BEGIN
    SELECT e.key INTO bad FROM pg_catalog.jsonb_each(changed) e
     WHERE e.value IS DISTINCT FROM o -> e.key ORDER BY e.key LIMIT 1;
    RAISE EXCEPTION USING ERRCODE = 'SG203', MESSAGE = format(message, bad);
END
$$;
COMMENT ON FUNCTION safeguard_bench.pl_refuse_column(jsonb, jsonb, text) IS 'W1 comparator plpgsql: names the column that may not change.';

/*
 * Trigger: BEFORE INSERT OR UPDATE OR DELETE on pl_referral: the referral
 * guard.  The actor is looked up once; which columns changed is decided by
 * comparing the two rows as jsonb minus the columns that may change (one
 * expression, no query); the transition is one indexed lookup.  The
 * authorising duty and the organisation go to the audit trigger in a
 * transaction-local setting.
 */
CREATE FUNCTION safeguard_bench.pl_referral_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    o jsonb;
    n jsonb;
    t safeguard_bench.pl_transition;
    duty text;
    a record;
    -- columns no client writes: the state (checked as the transition) and generated ones
    skip constant text[] := '{state,decision_rationale_recorded,withdrawal_rationale_recorded}';
    stamp jsonb := '{}';
    c text;
    ignored text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'referrals cannot be deleted' USING ERRCODE = 'SG204';
    ELSIF TG_OP = 'INSERT' THEN
        RAISE EXCEPTION 'referrals are created by a refer_to_la triage decision' USING ERRCODE = 'SG203';
    END IF;
    IF NEW.state = OLD.state THEN
        o := pg_catalog.to_jsonb(OLD) - skip;
        n := pg_catalog.to_jsonb(NEW) - skip;
        IF n = o THEN
            RETURN NEW;
        END IF;
        IF OLD.state IN ('closed', 'withdrawn') THEN
            RAISE EXCEPTION 'a referral that is % cannot be changed', OLD.state USING ERRCODE = 'SG204';
        END IF;
        IF (n - '{la_contact,la_reference}'::text[]) <> (o - '{la_contact,la_reference}'::text[]) THEN
            PERFORM safeguard_bench.pl_refuse_column(o, n - '{la_contact,la_reference}'::text[],
                                                     'column %s cannot change without a transition');
        END IF;
        a := safeguard_bench.pl_actor(current_user::regrole);
        duty := safeguard_bench.pl_require_permit(a, '{contact_centre@regulator,la_officer@recipient_la}',
                                                  OLD.la_id, 'correct a referral');
        ignored := pg_catalog.set_config('safeguard_bench.duty', duty || '|' || coalesce(a.org_id::text, ''), true);
        RETURN NEW;
    END IF;
    SELECT * INTO t FROM safeguard_bench.pl_transition x
     WHERE x.from_state = OLD.state AND x.to_state = NEW.state;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'referral % cannot go from % to %', OLD.id, OLD.state, NEW.state USING ERRCODE = 'SG201',
            DETAIL = (SELECT format('From %s a referral can go to: %s.', OLD.state,
                                    pg_catalog.string_agg(x.to_state::text, ', '))
                        FROM safeguard_bench.pl_transition x WHERE x.from_state = OLD.state);
    END IF;
    a := safeguard_bench.pl_actor(current_user::regrole);
    duty := safeguard_bench.pl_require_permit(a, t.permits, OLD.la_id,
                format('move referral %s from %s to %s', OLD.id, OLD.state, NEW.state));
    -- the columns this update changes (after the cheap refusals, as the C does)
    o := pg_catalog.to_jsonb(OLD) - skip;
    n := pg_catalog.to_jsonb(NEW) - skip;
    IF (n - t.supplied) <> (o - t.supplied) THEN
        PERFORM safeguard_bench.pl_refuse_column(o, n - t.supplied,
            format('column %%s cannot change when a referral moves from %s to %s', OLD.state, NEW.state));
    END IF;
    CASE NEW.state
        WHEN 'decided' THEN
            IF NEW.la_decision_rationale IS NULL OR pg_catalog.btrim(NEW.la_decision_rationale, E' \t\n\r\f\v') = '' THEN
                RAISE EXCEPTION 'the local authority''s decision needs a rationale' USING ERRCODE = 'SG205';
            END IF;
        WHEN 'withdrawn' THEN
            IF NEW.withdrawal_rationale IS NULL OR pg_catalog.btrim(NEW.withdrawal_rationale, E' \t\n\r\f\v') = '' THEN
                RAISE EXCEPTION 'a withdrawal needs a rationale' USING ERRCODE = 'SG205';
            END IF;
        WHEN 'sent' THEN
            IF NEW.sent_at > pg_catalog.now() OR NEW.sent_at < OLD.created_at THEN
                RAISE EXCEPTION 'sent_at must lie between the referral''s creation and now' USING ERRCODE = 'SG211';
            END IF;
            IF (SELECT kind FROM safeguard.organisation WHERE id = NEW.la_id) IS DISTINCT FROM 'local_authority' THEN
                RAISE EXCEPTION 'a referral is sent to a local authority' USING ERRCODE = 'SG210';
            END IF;
        WHEN 'acknowledged' THEN
            IF NEW.acknowledged_at > pg_catalog.now() OR NEW.acknowledged_at < OLD.sent_at THEN
                RAISE EXCEPTION 'acknowledged_at must lie between sent_at and now' USING ERRCODE = 'SG211';
            END IF;
        ELSE
            RAISE EXCEPTION 'the comparator does not implement the move to %', NEW.state USING ERRCODE = '0A000';
    END CASE;
    FOREACH c IN ARRAY t.required LOOP
        IF n -> c = 'null'::jsonb THEN
            RAISE EXCEPTION '% is required to move a referral to %', c, NEW.state USING ERRCODE = 'SG202';
        END IF;
    END LOOP;
    FOREACH c IN ARRAY t.stamped LOOP
        stamp := stamp || pg_catalog.jsonb_build_object(c,
            CASE WHEN c LIKE '%\_by' THEN pg_catalog.to_jsonb(current_user::regrole::text)
                 WHEN c LIKE '%\_org\_id' THEN pg_catalog.to_jsonb(a.org_id)
                 ELSE pg_catalog.to_jsonb(pg_catalog.now()) END);
    END LOOP;
    NEW := pg_catalog.jsonb_populate_record(NEW, stamp);
    ignored := pg_catalog.set_config('safeguard_bench.duty', duty || '|' || coalesce(a.org_id::text, ''), true);
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION safeguard_bench.pl_referral_guard() IS 'W1 comparator plpgsql: the referral state machine.';

/*
 * Appends an audit row to its chain (case:<id>, else table:<name>): the
 * chain's row lock, the head read, SHA-256(prev || encoding of the 18
 * fields: number, null flag, length, text) as one expression (measured: 17 µs
 * against 25 µs for an 18-step loop and 44 µs for a query aggregating the
 * fields), the insert, and a synchronous commit.  SECURITY DEFINER: roles cannot
 * write pl_audit themselves.  Returns the row's sequence number in its chain.
 */
CREATE FUNCTION safeguard_bench.pl_audit_append(acting regrole, tbl text, row_key text, case_id bigint,
    action text, from_state text, to_state text, changes jsonb, duty text, org_id bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    -- COLLATE "default": the trigger passes TG_TABLE_NAME (type name, collation C), which
    -- would otherwise give the variable collation C and keep the chain head query off the index
    chain text COLLATE "default" := CASE WHEN case_id IS NULL THEN 'table:' || tbl ELSE 'case:' || case_id END;
    seq bigint;
    prev bytea;
    rec timestamptz := pg_catalog.clock_timestamp();
    txid xid8 := pg_catalog.pg_current_xact_id();
    app text := pg_catalog.current_setting('application_name');
    addr inet := pg_catalog.inet_client_addr();
    f text[];
    h bytea;
    ignored text;
BEGIN
    PERFORM 1 FROM safeguard_bench.pl_serial_lock l WHERE l.key = chain FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO safeguard_bench.pl_serial_lock VALUES (chain) ON CONFLICT DO NOTHING;
        PERFORM 1 FROM safeguard_bench.pl_serial_lock l WHERE l.key = chain FOR UPDATE;
    END IF;
    SELECT e.chain_seq + 1, e.row_hash INTO seq, prev
      FROM safeguard_bench.pl_audit e WHERE e.chain_key = chain ORDER BY e.chain_seq DESC LIMIT 1;
    IF NOT FOUND THEN
        seq := 1;
        prev := '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
    END IF;
    f := ARRAY[pg_catalog.to_jsonb(rec) #>> '{}', pg_catalog.to_jsonb(pg_catalog.now()) #>> '{}', txid::text,
               session_user::text, acting::text, org_id::text, duty, tbl, row_key, case_id::text, action,
               from_state, to_state, changes::text, app, addr::text, chain, seq::text];
    -- field i: its number (int2), then 1 and length 0 for NULL, else 0, its length (int4) and its UTF-8 text
    h := pg_catalog.sha256(prev
        || '\x0001'::bytea || coalesce('\x00'::bytea || pg_catalog.int4send(pg_catalog.octet_length(f[1])) || pg_catalog.convert_to(f[1], 'UTF8'), '\x0100000000'::bytea)
        || '\x0002'::bytea || coalesce('\x00'::bytea || pg_catalog.int4send(pg_catalog.octet_length(f[2])) || pg_catalog.convert_to(f[2], 'UTF8'), '\x0100000000'::bytea)
        || '\x0003'::bytea || coalesce('\x00'::bytea || pg_catalog.int4send(pg_catalog.octet_length(f[3])) || pg_catalog.convert_to(f[3], 'UTF8'), '\x0100000000'::bytea)
        || '\x0004'::bytea || coalesce('\x00'::bytea || pg_catalog.int4send(pg_catalog.octet_length(f[4])) || pg_catalog.convert_to(f[4], 'UTF8'), '\x0100000000'::bytea)
        || '\x0005'::bytea || coalesce('\x00'::bytea || pg_catalog.int4send(pg_catalog.octet_length(f[5])) || pg_catalog.convert_to(f[5], 'UTF8'), '\x0100000000'::bytea)
        || '\x0006'::bytea || coalesce('\x00'::bytea || pg_catalog.int4send(pg_catalog.octet_length(f[6])) || pg_catalog.convert_to(f[6], 'UTF8'), '\x0100000000'::bytea)
        || '\x0007'::bytea || coalesce('\x00'::bytea || pg_catalog.int4send(pg_catalog.octet_length(f[7])) || pg_catalog.convert_to(f[7], 'UTF8'), '\x0100000000'::bytea)
        || '\x0008'::bytea || coalesce('\x00'::bytea || pg_catalog.int4send(pg_catalog.octet_length(f[8])) || pg_catalog.convert_to(f[8], 'UTF8'), '\x0100000000'::bytea)
        || '\x0009'::bytea || coalesce('\x00'::bytea || pg_catalog.int4send(pg_catalog.octet_length(f[9])) || pg_catalog.convert_to(f[9], 'UTF8'), '\x0100000000'::bytea)
        || '\x000a'::bytea || coalesce('\x00'::bytea || pg_catalog.int4send(pg_catalog.octet_length(f[10])) || pg_catalog.convert_to(f[10], 'UTF8'), '\x0100000000'::bytea)
        || '\x000b'::bytea || coalesce('\x00'::bytea || pg_catalog.int4send(pg_catalog.octet_length(f[11])) || pg_catalog.convert_to(f[11], 'UTF8'), '\x0100000000'::bytea)
        || '\x000c'::bytea || coalesce('\x00'::bytea || pg_catalog.int4send(pg_catalog.octet_length(f[12])) || pg_catalog.convert_to(f[12], 'UTF8'), '\x0100000000'::bytea)
        || '\x000d'::bytea || coalesce('\x00'::bytea || pg_catalog.int4send(pg_catalog.octet_length(f[13])) || pg_catalog.convert_to(f[13], 'UTF8'), '\x0100000000'::bytea)
        || '\x000e'::bytea || coalesce('\x00'::bytea || pg_catalog.int4send(pg_catalog.octet_length(f[14])) || pg_catalog.convert_to(f[14], 'UTF8'), '\x0100000000'::bytea)
        || '\x000f'::bytea || coalesce('\x00'::bytea || pg_catalog.int4send(pg_catalog.octet_length(f[15])) || pg_catalog.convert_to(f[15], 'UTF8'), '\x0100000000'::bytea)
        || '\x0010'::bytea || coalesce('\x00'::bytea || pg_catalog.int4send(pg_catalog.octet_length(f[16])) || pg_catalog.convert_to(f[16], 'UTF8'), '\x0100000000'::bytea)
        || '\x0011'::bytea || coalesce('\x00'::bytea || pg_catalog.int4send(pg_catalog.octet_length(f[17])) || pg_catalog.convert_to(f[17], 'UTF8'), '\x0100000000'::bytea)
        || '\x0012'::bytea || coalesce('\x00'::bytea || pg_catalog.int4send(pg_catalog.octet_length(f[18])) || pg_catalog.convert_to(f[18], 'UTF8'), '\x0100000000'::bytea));
    INSERT INTO safeguard_bench.pl_audit (recorded_at, business_time, txid, login_role, acting_role,
        organisation_id, duty, table_name, row_key, case_id, action, from_state, to_state, changes,
        application_name, client_addr, chain_key, chain_seq, prev_hash, row_hash)
    VALUES (rec, pg_catalog.now(), txid, session_user, acting::text, org_id, duty::safeguard.duty, tbl,
            row_key, case_id, action, from_state, to_state, changes, app, addr, chain, seq, prev, h);
    -- the record of a change must survive a crash whatever the client asked
    ignored := pg_catalog.set_config('synchronous_commit', 'on', true);
    RETURN seq;
END
$$;
COMMENT ON FUNCTION safeguard_bench.pl_audit_append(regrole, text, text, bigint, text, text, text, jsonb, text, bigint) IS
    'W1 comparator plpgsql: appends a row to its hash chain.';

/*
 * Trigger: AFTER UPDATE on pl_referral: the audit row of the change, with
 * the duty and organisation the guard recorded (no second actor lookup).
 */
CREATE FUNCTION safeguard_bench.pl_referral_audit() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    o jsonb := pg_catalog.to_jsonb(OLD);
    changes jsonb;
    auth text := pg_catalog.current_setting('safeguard_bench.duty', true);
    seq bigint;
BEGIN
    SELECT pg_catalog.jsonb_object_agg(e.key, pg_catalog.jsonb_build_object('old', o ->> e.key, 'new', e.value #>> '{}'))
      INTO changes
      FROM pg_catalog.jsonb_each(pg_catalog.to_jsonb(NEW)) e
     WHERE e.value IS DISTINCT FROM o -> e.key;
    IF changes IS NULL THEN
        RETURN NULL;
    END IF;
    seq := safeguard_bench.pl_audit_append(current_user::regrole, TG_TABLE_NAME, NEW.id::text, NEW.case_id,
        TG_OP, OLD.state::text, NEW.state::text, changes,
        pg_catalog.split_part(auth, '|', 1), NULLIF(pg_catalog.split_part(auth, '|', 2), '')::bigint);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION safeguard_bench.pl_referral_audit() IS 'W1 comparator plpgsql: the audit trigger.';

CREATE TRIGGER pl_referral_guard BEFORE INSERT OR UPDATE OR DELETE ON safeguard_bench.pl_referral
    FOR EACH ROW EXECUTE FUNCTION safeguard_bench.pl_referral_guard();
CREATE TRIGGER pl_referral_audit AFTER UPDATE ON safeguard_bench.pl_referral
    FOR EACH ROW EXECUTE FUNCTION safeguard_bench.pl_referral_audit();

/* W2: tries a decide transition on referral id of safeguard.referral; returns the SQLSTATE. */
CREATE FUNCTION safeguard_bench.w2_try_sg(id bigint) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE safeguard.referral r SET state = 'decided', la_decision = 'section_42_enquiry',
           la_decision_rationale = 'Bench: the section 42 threshold is met.'
     WHERE r.id = w2_try_sg.id;
    RAISE EXCEPTION 'bench W2: the transition of referral % was not refused', id;
EXCEPTION WHEN insufficient_privilege THEN
    RETURN '42501';
END
$$;
COMMENT ON FUNCTION safeguard_bench.w2_try_sg(bigint) IS 'W2: a rejected transition through safeguard.';

/* W2: the same on safeguard_bench.pl_referral (the same body, the other table). */
CREATE FUNCTION safeguard_bench.w2_try_pl(id bigint) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE safeguard_bench.pl_referral r SET state = 'decided', la_decision = 'section_42_enquiry',
           la_decision_rationale = 'Bench: the section 42 threshold is met.'
     WHERE r.id = w2_try_pl.id;
    RAISE EXCEPTION 'bench W2: the transition of referral % was not refused', id;
EXCEPTION WHEN insufficient_privilege THEN
    RETURN '42501';
END
$$;
COMMENT ON FUNCTION safeguard_bench.w2_try_pl(bigint) IS 'W2: a rejected transition through the PL/pgSQL comparator.';

/*
 * Copies referrals lo .. hi, the audit rows of their cases (the first time:
 * every audit row) and the chain locks, from safeguard into the comparators (triggers off: rows the
 * workflow already checked).  Called by grow_pool.
 */
ALTER TABLE safeguard_bench.pool ADD COLUMN audit_copied bigint NOT NULL DEFAULT 0;
CREATE FUNCTION safeguard_bench.after_grow(lo bigint, hi bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    cols text := (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(attname), ', ' ORDER BY attnum)
                    FROM pg_catalog.pg_attribute
                   WHERE attrelid = 'safeguard.referral'::regclass AND attnum > 0
                     AND NOT attisdropped AND attgenerated = '');
    t text;
    done bigint := (SELECT audit_copied FROM safeguard_bench.pool);
    top bigint := (SELECT pg_catalog.max(id) FROM safeguard.audit_event);
BEGIN
    PERFORM pg_catalog.set_config('session_replication_role', 'replica', true);
    FOREACH t IN ARRAY '{bare_referral,floor_referral,pl_referral}'::text[] LOOP
        EXECUTE format('INSERT INTO safeguard_bench.%I (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM safeguard.referral WHERE id BETWEEN $1 AND $2',
                       t, cols, cols) USING lo, hi;
    END LOOP;
    -- the first time everything; then the new referrals' cases only (not the rows that
    -- the benchmark's own safeguard transitions wrote in between)
    CREATE TEMP TABLE IF NOT EXISTS after_grow_audit (LIKE safeguard.audit_event);
    TRUNCATE after_grow_audit;
    INSERT INTO after_grow_audit
    SELECT * FROM safeguard.audit_event e
     WHERE e.id > done AND e.id <= top
       AND (done = 0 OR e.case_id IN (SELECT r.case_id FROM safeguard.referral r WHERE r.id BETWEEN lo AND hi));
    INSERT INTO safeguard_bench.pl_audit OVERRIDING SYSTEM VALUE SELECT * FROM after_grow_audit;
    INSERT INTO safeguard_bench.floor_audit OVERRIDING SYSTEM VALUE SELECT * FROM after_grow_audit;
    INSERT INTO safeguard_bench.pl_serial_lock SELECT key FROM safeguard.serial_lock ON CONFLICT DO NOTHING;
    UPDATE safeguard_bench.pool SET audit_copied = top;
    PERFORM pg_catalog.set_config('session_replication_role', 'origin', true);
END
$$;
COMMENT ON FUNCTION safeguard_bench.after_grow(bigint, bigint) IS 'Copies new pool referrals and audit rows into the comparators.';

-- What the pool holds already.
SELECT safeguard_bench.after_grow(p.pool_lo, p.pool_hi) FROM safeguard_bench.pool p WHERE p.pool_lo IS NOT NULL;

CREATE SEQUENCE safeguard_bench.next_bare;
CREATE SEQUENCE safeguard_bench.next_floor;
CREATE SEQUENCE safeguard_bench.next_pl;
COMMENT ON SEQUENCE safeguard_bench.next_bare IS 'The next pool referral of comparator bare.';
COMMENT ON SEQUENCE safeguard_bench.next_floor IS 'The next pool referral of comparator floor.';
COMMENT ON SEQUENCE safeguard_bench.next_pl IS 'The next pool referral of comparator plpgsql.';
SELECT safeguard_bench.set_sequences() FROM safeguard_bench.pool p WHERE p.pool_lo IS NOT NULL;

GRANT USAGE ON SEQUENCE safeguard_bench.next_bare, safeguard_bench.next_floor, safeguard_bench.next_pl TO :"officer";
GRANT SELECT, UPDATE ON safeguard_bench.bare_referral, safeguard_bench.floor_referral, safeguard_bench.pl_referral TO :"officer";
GRANT SELECT, UPDATE ON safeguard_bench.pl_referral TO :"cc";
GRANT SELECT ON safeguard_bench.pl_transition TO :"cc", :"officer";
GRANT INSERT ON safeguard_bench.floor_audit TO :"officer";

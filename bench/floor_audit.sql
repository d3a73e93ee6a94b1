-- bench/floor_audit.sql: the SQL floor's audit table (W1, W8), included by their set-up:
-- safeguard.audit_event's shape and indexes, with no chain and no hash.
CREATE TABLE safeguard_bench.floor_audit (LIKE safeguard.audit_event INCLUDING DEFAULTS INCLUDING IDENTITY);
ALTER TABLE safeguard_bench.floor_audit ALTER chain_key DROP NOT NULL, ALTER chain_seq DROP NOT NULL,
    ALTER prev_hash DROP NOT NULL, ALTER row_hash DROP NOT NULL;
CREATE INDEX ON safeguard_bench.floor_audit (chain_key, chain_seq);
CREATE INDEX ON safeguard_bench.floor_audit (id);
CREATE INDEX ON safeguard_bench.floor_audit (case_id);
CREATE INDEX ON safeguard_bench.floor_audit (table_name, row_key);
COMMENT ON TABLE safeguard_bench.floor_audit IS 'Comparator floor (W1, W8): audit rows, no chain, no hash.';

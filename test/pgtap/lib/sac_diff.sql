-- pgTAP helper (29, 32): pg_temp.sac_diff(la) counts the rows of the shipped sac_return not
-- in its definition before issue 19 (bench/w5/before.sql, loaded first) and the other way
-- round, for the years 2024-2026, with and without disclosure control, for la_id la (NULL:
-- every authority the caller may report on).
CREATE FUNCTION pg_temp.sac_diff(la bigint) RETURNS integer LANGUAGE sql AS $$
    SELECT count(*)::integer
    FROM pg_catalog.generate_series(2024, 2026) y, (VALUES (false), (true)) dc(on_),
    LATERAL ((SELECT * FROM safeguard.sac_return(y, dc.on_, la)
              EXCEPT ALL SELECT * FROM sg_w5_before.sac_return(y, dc.on_, la))
             UNION ALL
             (SELECT * FROM sg_w5_before.sac_return(y, dc.on_, la)
              EXCEPT ALL SELECT * FROM safeguard.sac_return(y, dc.on_, la))) d
$$;

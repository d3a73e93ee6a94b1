-- test/pgtap/lib/fixtures.sql: the fixture the pgTAP files share: the pinned clock, the
-- organisations and the login roles with their duties.  A file sets what it needs in psql
-- variables, then includes this inside its transaction, after plan():
--
--   \set fixture TAP03
--   \set clock '2024-03-05 10:00+00'
--   \set orgs 'cqc=regulator laa=local_authority lab=local_authority prov=provider'
--   \set orgs :orgs ' loc=provider_location/prov/laa'
--   \set cast 'sg03_cc=contact_centre@cqc sg03_la_a=la_officer@laa sg03_nobody'
--   \ir lib/fixtures.sql
--
-- clock (optional): safeguard.set_clock(clock), first of all.
-- orgs: one organisation per key=kind, in order, with code <fixture>-<KEY> (upper case)
--   and name '<fixture> <kind> <KEY>'; key=kind/parent/la gives its parent_id and la_id
--   (keys created before it).  Each key becomes a psql variable holding the id (:cqc).
-- contacts (optional): senior contacts, JSON {"key": ["name", "e-mail"], ...}.
-- cast (optional): one LOGIN role per item, created in order; role=duty@org also grants
--   it that duty in organisation org (a key of orgs), grant_duty in the same order; a
--   bare name is a role with no duty.
-- Also sets :shipped_policy, the id of the shipped deadline policy.  Creates nothing else:
-- everything goes with the file's ROLLBACK.
\if :{?clock}
SELECT safeguard.set_clock(:'clock') IS NOT NULL AS pinned \gset
\endif

-- The organisations, one INSERT each (a location names its parent created before it).
\if :{?contacts}
\else
\set contacts '{}'
\endif
SELECT format('INSERT INTO safeguard.organisation (kind, name, code, parent_id, la_id, '
              'senior_contact_name, senior_contact_email) SELECT %L, %L, %L, %s, %s, %L, %L',
              o[2], format('%s %s %s', :'fixture', replace(o[2], '_', ' '), upper(o[1])),
              format('%s-%s', :'fixture', upper(o[1])),
              coalesce(format('(SELECT id FROM safeguard.organisation WHERE code = %L)',
                              :'fixture' || '-' || upper(o[3])), 'NULL'),
              coalesce(format('(SELECT id FROM safeguard.organisation WHERE code = %L)',
                              :'fixture' || '-' || upper(o[4])), 'NULL'),
              :'contacts'::jsonb -> o[1] ->> 0, :'contacts'::jsonb -> o[1] ->> 1)
FROM unnest(string_to_array(:'orgs', ' ')) WITH ORDINALITY AS item (spec, n),
     regexp_match(item.spec, '^([a-z0-9_]+)=([a-z_]+)(?:/([a-z0-9_]+)/([a-z0-9_]+))?$') AS o
ORDER BY item.n \gexec
-- Their ids as psql variables named by their keys.
SELECT 'SELECT ' || string_agg(format('(SELECT id FROM safeguard.organisation WHERE code = %L) AS %I',
                                      :'fixture' || '-' || upper(split_part(spec, '=', 1)),
                                      split_part(spec, '=', 1)), ', ') AS fixture_orgs_query
FROM unnest(string_to_array(:'orgs', ' ')) AS spec \gset
:fixture_orgs_query \gset
SELECT id AS shipped_policy FROM safeguard.deadline_policy WHERE shipped \gset

\if :{?cast}
-- The roles, then their duties, each in the order given.
SELECT format('CREATE ROLE %I LOGIN', split_part(spec, '=', 1))
FROM unnest(string_to_array(:'cast', ' ')) WITH ORDINALITY AS item (spec, n)
ORDER BY n \gexec
SELECT count(g.grant_id) AS fixture_grants
FROM (SELECT safeguard.grant_duty(c[1]::regrole, c[2]::safeguard.duty,
                                  (SELECT id FROM safeguard.organisation
                                   WHERE code = :'fixture' || '-' || upper(c[3]))) AS grant_id
      FROM unnest(string_to_array(:'cast', ' ')) WITH ORDINALITY AS item (spec, n),
           regexp_match(item.spec, '^([a-z0-9_]+)=([a-z_]+)@([a-z0-9_]+)$') AS c
      WHERE c IS NOT NULL
      ORDER BY item.n) AS g \gset
\endif

-- Issue 13: name search (`POST /citizens/search` with `name`) is a
-- case-insensitive prefix match on the family or the given name
-- (`ILIKE 'term%'`), which the B-tree on lower(family_name) cannot serve for
-- ILIKE and not at all for the given name: at 1M citizens it read the whole
-- table (2.2 s). Trigram indexes serve ILIKE on both columns (a BitmapOr).
-- pg_trgm is a trusted extension: the schema owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX citizens_family_name_trgm_idx ON citizens USING gin (family_name gin_trgm_ops);
CREATE INDEX citizens_given_name_trgm_idx ON citizens USING gin (given_name gin_trgm_ops);

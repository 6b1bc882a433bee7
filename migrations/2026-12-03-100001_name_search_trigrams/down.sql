DROP INDEX IF EXISTS citizens_given_name_trgm_idx;
DROP INDEX IF EXISTS citizens_family_name_trgm_idx;

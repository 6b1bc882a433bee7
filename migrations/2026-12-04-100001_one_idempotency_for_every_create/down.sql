ALTER TABLE notes ADD COLUMN idempotency_key text CHECK (length(idempotency_key) <= 128),
                  ADD COLUMN request_hash bytea,
                  ADD UNIQUE (author_id, idempotency_key);
DROP TABLE idempotent_requests;

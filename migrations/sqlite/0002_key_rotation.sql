-- Key rotation with a grace window: the replaced key's hash keeps working until it expires.
ALTER TABLE api_keys ADD COLUMN previous_key_hash BLOB;
ALTER TABLE api_keys ADD COLUMN previous_key_expires_at TEXT;
CREATE INDEX api_keys_previous_key_hash ON api_keys(previous_key_hash) WHERE previous_key_hash IS NOT NULL;

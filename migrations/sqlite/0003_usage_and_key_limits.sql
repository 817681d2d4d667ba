-- Per-key overrides of the policy's rate limits (NULL: the policy's value applies).
ALTER TABLE api_keys ADD COLUMN requests_per_minute INTEGER;
ALTER TABLE api_keys ADD COLUMN tokens_per_minute INTEGER;
ALTER TABLE api_keys ADD COLUMN concurrency INTEGER;

-- One row per API request. Token counts and outcomes only: no prompt or response text is stored.
CREATE TABLE usage (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    key_id TEXT,
    key_name TEXT,
    model TEXT,
    backend TEXT,
    endpoint TEXT NOT NULL,
    stream INTEGER NOT NULL DEFAULT 0,
    status INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_input_tokens INTEGER NOT NULL DEFAULT 0,
    cache_creation_input_tokens INTEGER NOT NULL DEFAULT 0,
    cache_hit INTEGER NOT NULL DEFAULT 0,
    duration_ms REAL NOT NULL,
    policies TEXT NOT NULL DEFAULT ''
);
CREATE INDEX usage_created_at ON usage(created_at);
CREATE INDEX usage_key_created_at ON usage(key_name, created_at);

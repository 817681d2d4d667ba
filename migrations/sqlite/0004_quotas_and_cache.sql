-- Token quotas: tokens each key used in each UTC day ('2025-11-21') and month ('2025-11'), so a
-- restart does not reset a key's daily or monthly quota. Rows are added to, never rewritten.
CREATE TABLE token_quotas (
    key_id TEXT NOT NULL,
    period TEXT NOT NULL,
    tokens INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (key_id, period)
) WITHOUT ROWID;

-- The response cache: canonical responses as JSON, keyed by the SHA-256 of the canonical request.
-- Entries expire by age (the policy's ttl) and are evicted least recently used first.
CREATE TABLE response_cache (
    cache_key TEXT PRIMARY KEY NOT NULL,
    body TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT NOT NULL
);
-- Covers eviction order and the running total of sizes.
CREATE INDEX response_cache_lru ON response_cache(last_used_at, size);
CREATE INDEX response_cache_created_at ON response_cache(created_at);

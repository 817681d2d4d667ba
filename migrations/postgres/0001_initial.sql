-- The PostgreSQL schema, for several Sluice replicas on one database: the SQLite schema of
-- migrations/sqlite/0001–0005 in one file, plus what replicas share (rate-limit counters) and
-- one usage journal mark per replica.

-- API keys. Only a SHA-256 hash of each key is kept, with a short prefix to show admins. A
-- rotation keeps the replaced key's hash working until previous_key_expires_at.
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    key_hash BYTEA NOT NULL UNIQUE,
    key_prefix TEXT NOT NULL,
    policy TEXT,
    models TEXT NOT NULL DEFAULT '[]',
    expires_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    previous_key_hash BYTEA,
    previous_key_expires_at TIMESTAMPTZ,
    requests_per_minute BIGINT,
    tokens_per_minute BIGINT,
    concurrency BIGINT
);
CREATE INDEX api_keys_previous_key_hash ON api_keys (previous_key_hash) WHERE previous_key_hash IS NOT NULL;

-- One row per API request. Token counts and outcomes only: no prompt or response text is stored.
-- copied_from names the row a `sluice db copy` brought over, so copying again adds nothing.
CREATE TABLE usage (
    id BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL,
    key_id TEXT,
    key_name TEXT,
    model TEXT,
    backend TEXT,
    endpoint TEXT NOT NULL,
    stream BOOLEAN NOT NULL DEFAULT FALSE,
    status INTEGER NOT NULL,
    input_tokens BIGINT NOT NULL DEFAULT 0,
    output_tokens BIGINT NOT NULL DEFAULT 0,
    cache_read_input_tokens BIGINT NOT NULL DEFAULT 0,
    cache_creation_input_tokens BIGINT NOT NULL DEFAULT 0,
    cache_hit BOOLEAN NOT NULL DEFAULT FALSE,
    duration_ms DOUBLE PRECISION NOT NULL,
    policies TEXT NOT NULL DEFAULT '',
    copied_from TEXT UNIQUE,
    -- The subject of the certificate a client presented over mutual TLS, when it did.
    client_certificate TEXT
);
CREATE INDEX usage_created_at ON usage (created_at);
CREATE INDEX usage_key_created_at ON usage (key_name, created_at);

-- Token quotas: tokens each key used in each UTC day ('2025-11-21') and month ('2025-11').
CREATE TABLE token_quotas (
    key_id TEXT NOT NULL,
    period TEXT NOT NULL,
    tokens BIGINT NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (key_id, period)
);

-- The response cache, shared by replicas: canonical responses as JSON under the SHA-256 of the
-- canonical request, expiring by age and evicted least recently used first.
CREATE TABLE response_cache (
    cache_key TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX response_cache_lru ON response_cache (last_used_at, size);
CREATE INDEX response_cache_created_at ON response_cache (created_at);

-- Each replica's usage journal: the newest segment whose requests are in `usage`, written in
-- the same transaction as the segment's rows.
CREATE TABLE usage_journal_marks (
    journal TEXT PRIMARY KEY,
    segment BIGINT NOT NULL
);

-- Rate-limit counters shared by replicas: each key's token buckets, concurrency slot leases and
-- current quota period as JSON, changed only by compare-and-swap on version.
CREATE TABLE rate_limit_counters (
    key_id TEXT PRIMARY KEY,
    version BIGINT NOT NULL,
    state TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

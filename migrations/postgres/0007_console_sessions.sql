-- Admin console sessions (the SQLite schema's 0012_console_sessions), shared by every replica so
-- a browser may reach any of them. Only the SHA-256 of a session's cookie is stored.
CREATE TABLE console_sessions (
    id_hash BYTEA PRIMARY KEY,
    actor TEXT NOT NULL,
    key_id TEXT,
    key_hash BYTEA,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX console_sessions_expires_at ON console_sessions (expires_at);

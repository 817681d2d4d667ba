-- Admin console sessions. Only the SHA-256 of a session's cookie is stored; the CSRF token is
-- derived from the cookie, so it is not stored either.
CREATE TABLE console_sessions (
    id_hash BLOB PRIMARY KEY NOT NULL,
    -- The admin's name: the admin key's name, or the email single sign-on gave.
    actor TEXT NOT NULL,
    -- The admin key signed in with, and its secret's hash then: a revoked or rotated key ends the
    -- session. NULL for single sign-on.
    key_id TEXT,
    key_hash BLOB,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX console_sessions_expires_at ON console_sessions (expires_at);

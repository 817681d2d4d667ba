-- API keys. Only a SHA-256 hash of each key is kept, with a short prefix to show admins.
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    key_hash BLOB NOT NULL UNIQUE,
    key_prefix TEXT NOT NULL,
    policy TEXT,
    models TEXT NOT NULL DEFAULT '[]',
    expires_at TEXT,
    revoked_at TEXT,
    created_at TEXT NOT NULL,
    last_used_at TEXT
);

-- What a key is for: 'user' keys call the model API; 'admin' keys call the admin API (and the
-- model API only when they are also given models).
ALTER TABLE api_keys ADD COLUMN role TEXT NOT NULL DEFAULT 'user';

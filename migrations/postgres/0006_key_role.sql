-- What a key is for (the SQLite schema's 0011_key_role): 'user' keys call the model API;
-- 'admin' keys call the admin API (and the model API only when they are also given models).
ALTER TABLE api_keys ADD COLUMN role TEXT NOT NULL DEFAULT 'user';

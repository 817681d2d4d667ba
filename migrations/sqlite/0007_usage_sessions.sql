-- The agent session of each request, from Claude Code's gateway headers (x-claude-code-session-id,
-- -agent-id, -parent-agent-id), for `sluice usage --by session` and `--by agent`.
ALTER TABLE usage ADD COLUMN session_id TEXT;
ALTER TABLE usage ADD COLUMN agent_id TEXT;
ALTER TABLE usage ADD COLUMN parent_agent_id TEXT;
CREATE INDEX usage_session_created_at ON usage (session_id, created_at) WHERE session_id IS NOT NULL;

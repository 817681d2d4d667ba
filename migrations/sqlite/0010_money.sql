-- Money: what each request cost, teams, budgets on keys and teams, and the audit log.
-- Costs are USD from the configured prices; budgets and spending are whole nanodollars, so sums
-- are exact.
ALTER TABLE usage ADD COLUMN cost_usd REAL NOT NULL DEFAULT 0;
-- The caller's team when the request was made, for `sluice usage --by team`.
ALTER TABLE usage ADD COLUMN team TEXT;
CREATE INDEX usage_team_created_at ON usage (team, created_at) WHERE team IS NOT NULL;

-- A team's policy applies to its keys that name none; its budget caps what all its keys spend.
CREATE TABLE teams (
    name TEXT PRIMARY KEY NOT NULL,
    policy TEXT,
    budget_nanodollars INTEGER,
    budget_period TEXT NOT NULL DEFAULT 'month',
    created_at TEXT NOT NULL
);

ALTER TABLE api_keys ADD COLUMN team TEXT;
ALTER TABLE api_keys ADD COLUMN budget_nanodollars INTEGER;
ALTER TABLE api_keys ADD COLUMN budget_period TEXT;

-- What each budget's owner ('key:ID', 'team:NAME') spent in each period ('day:2025-11-21',
-- 'week:2025-11-17', 'month:2025-11'). Rows are added to, never rewritten.
CREATE TABLE budget_spending (
    account TEXT NOT NULL,
    period TEXT NOT NULL,
    spent_nanodollars INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (account, period)
) WITHOUT ROWID;

-- Every administrative change: who made it, when, and what changed (never a secret).
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at);

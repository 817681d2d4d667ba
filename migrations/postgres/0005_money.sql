-- Money: what each request cost, teams, budgets on keys and teams, and the audit log (the SQLite
-- schema's 0010_money). Budgets and spending are whole nanodollars, so sums are exact.
ALTER TABLE usage ADD COLUMN cost_usd DOUBLE PRECISION NOT NULL DEFAULT 0, ADD COLUMN team TEXT;
CREATE INDEX usage_team_created_at ON usage (team, created_at) WHERE team IS NOT NULL;

-- A team's policy applies to its keys that name none; its budget caps what all its keys spend.
CREATE TABLE teams (
    name TEXT PRIMARY KEY,
    policy TEXT,
    budget_nanodollars BIGINT,
    budget_period TEXT NOT NULL DEFAULT 'month',
    created_at TIMESTAMPTZ NOT NULL
);

ALTER TABLE api_keys ADD COLUMN team TEXT, ADD COLUMN budget_nanodollars BIGINT, ADD COLUMN budget_period TEXT;

-- What each budget's owner ('key:ID', 'team:NAME') spent in each period, shared by every
-- replica: admissions read it, and each request's charge is one atomic addition.
CREATE TABLE budget_spending (
    account TEXT NOT NULL,
    period TEXT NOT NULL,
    spent_nanodollars BIGINT NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account, period)
);

-- Every administrative change: who made it, when, and what changed (never a secret).
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at);

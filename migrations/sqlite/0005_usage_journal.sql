-- The newest usage journal segment whose requests are in `usage`. A segment's rows and this mark
-- are written in one transaction, so replaying the journal after a crash counts no request twice.
CREATE TABLE usage_journal_mark (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    segment INTEGER NOT NULL
);

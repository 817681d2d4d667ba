-- Responses API responses kept for GET /v1/responses/{id} and previous_response_id: the
-- conversation's input items and the response object, as the client sent and received them.
-- Only the key that made a response may read, continue or delete it; rows expire at expires_at.
CREATE TABLE stored_responses (
    id TEXT PRIMARY KEY NOT NULL,
    key_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    input_items TEXT NOT NULL,
    response TEXT NOT NULL
);
CREATE INDEX stored_responses_expires_at ON stored_responses(expires_at);

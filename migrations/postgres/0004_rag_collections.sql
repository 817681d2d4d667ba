-- Collections of passages for the `rag` policy stage, built with `sluice rag`.
-- A collection's revision moves on with every change, so each replica's in-memory vector index
-- knows when to reload. Sources keep a content hash, so re-adding an unchanged file is a no-op.
CREATE TABLE rag_collections (
    name TEXT PRIMARY KEY,
    embedding_backend TEXT,
    embedding_model TEXT,
    dimensions INTEGER,
    revision BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE rag_sources (
    collection TEXT NOT NULL REFERENCES rag_collections (name) ON DELETE CASCADE,
    path TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    added_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (collection, path)
);

-- Vectors are little-endian Float32 arrays; NULL in keyword-only collections. The search column
-- weighs headings (A) over text (B) for ts_rank.
CREATE TABLE rag_chunks (
    id BIGSERIAL PRIMARY KEY,
    collection TEXT NOT NULL,
    source_path TEXT NOT NULL,
    heading TEXT NOT NULL,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    text TEXT NOT NULL,
    vector BYTEA,
    search TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('english', heading), 'A') || setweight(to_tsvector('english', text), 'B')
    ) STORED,
    FOREIGN KEY (collection, source_path) REFERENCES rag_sources (collection, path) ON DELETE CASCADE
);
CREATE INDEX rag_chunks_source ON rag_chunks (collection, source_path);
CREATE INDEX rag_chunks_search ON rag_chunks USING GIN (search);

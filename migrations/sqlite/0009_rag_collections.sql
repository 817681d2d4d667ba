-- Collections of passages for the `rag` policy stage, built with `sluice rag`.
-- A collection's revision moves on with every change, so a server's in-memory vector index
-- knows when to reload. Sources keep a content hash, so re-adding an unchanged file is a no-op.
CREATE TABLE rag_collections (
    name TEXT PRIMARY KEY NOT NULL,
    embedding_backend TEXT,
    embedding_model TEXT,
    dimensions INTEGER,
    revision INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE rag_sources (
    collection TEXT NOT NULL REFERENCES rag_collections(name) ON DELETE CASCADE,
    path TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (collection, path)
);

-- Vectors are little-endian Float32 arrays; NULL in keyword-only collections.
CREATE TABLE rag_chunks (
    id INTEGER PRIMARY KEY,
    collection TEXT NOT NULL,
    source_path TEXT NOT NULL,
    heading TEXT NOT NULL,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    text TEXT NOT NULL,
    vector BLOB,
    FOREIGN KEY (collection, source_path) REFERENCES rag_sources(collection, path) ON DELETE CASCADE
);
CREATE INDEX rag_chunks_source ON rag_chunks(collection, source_path);

-- BM25 over headings and text, kept in step with rag_chunks by the triggers below.
CREATE VIRTUAL TABLE rag_chunks_fts USING fts5(
    heading, text, content = 'rag_chunks', content_rowid = 'id', tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER rag_chunks_after_insert AFTER INSERT ON rag_chunks BEGIN
    INSERT INTO rag_chunks_fts (rowid, heading, text) VALUES (new.id, new.heading, new.text);
END;
CREATE TRIGGER rag_chunks_after_delete AFTER DELETE ON rag_chunks BEGIN
    INSERT INTO rag_chunks_fts (rag_chunks_fts, rowid, heading, text) VALUES ('delete', old.id, old.heading, old.text);
END;

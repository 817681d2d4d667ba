import Foundation
import SluicePolicy
import Testing

import SluiceStore

@Suite struct RetrievalStoreTests {
    private func chunk(_ path: String, _ text: String, vector: [Float]? = nil) -> RetrievalChunk {
        RetrievalChunk(collection: "c", sourcePath: path, heading: "", startLine: 1, endLine: 1, text: text, vector: vector)
    }

    private func source(_ path: String, hash: String) -> RetrievalSource {
        RetrievalSource(collection: "c", path: path, contentHash: hash, addedAt: Date())
    }

    @Test(arguments: StoreKind.allCases) func replacingASourceReplacesItsPassagesInTheKeywordIndex(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store, _ in
            try await store.createCollection(RetrievalCollection(name: "c", createdAt: Date()))
            try await store.replaceSource(source("/a.md", hash: "1"), chunks: [chunk("/a.md", "the walrus sings"), chunk("/a.md", "tea")])
            #expect(try await store.keywordMatches(for: "walrus", inCollection: "c", limit: 5).count == 1)
            let before = try #require(try await store.collection(named: "c"))
            try await store.replaceSource(source("/a.md", hash: "2"), chunks: [chunk("/a.md", "the otter dances")])
            #expect(try await store.keywordMatches(for: "walrus", inCollection: "c", limit: 5).isEmpty)
            #expect(try await store.keywordMatches(for: "otters", inCollection: "c", limit: 5).count == 1)  // porter stemming
            let after = try #require(try await store.collection(named: "c"))
            #expect(after.revision > before.revision)
            #expect(after.chunkCount == 1)
            #expect(try await store.sources(inCollection: "c").map(\.contentHash) == ["2"])
        }
    }

    @Test(arguments: StoreKind.allCases) func removingASourceOrCollectionRemovesItsPassages(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store, _ in
            try await store.createCollection(RetrievalCollection(name: "c", createdAt: Date()))
            try await store.replaceSource(source("/a.md", hash: "1"), chunks: [chunk("/a.md", "walrus")])
            try await store.replaceSource(source("/b.md", hash: "1"), chunks: [chunk("/b.md", "walrus too")])
            #expect(try await store.removeSource(path: "/a.md", inCollection: "c"))
            #expect(try await !store.removeSource(path: "/a.md", inCollection: "c"))
            let left = try await store.keywordMatches(for: "walrus", inCollection: "c", limit: 5)
            #expect(try await store.chunks(ids: left.map(\.id)).map(\.sourcePath) == ["/b.md"])
            #expect(try await store.removeCollection(named: "c"))
            #expect(try await store.collections().isEmpty)
            #expect(try await store.keywordMatches(for: "walrus", inCollection: "c", limit: 5).isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases) func vectorsRoundTripAsFloat32AndSetTheDimensions(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store, _ in
            try await store.createCollection(RetrievalCollection(name: "c", embeddingBackend: "e", createdAt: Date()))
            let vector: [Float] = [0.5, -1.25, .pi, 0]
            try await store.replaceSource(source("/a.md", hash: "1"), chunks: [chunk("/a.md", "x", vector: vector)])
            #expect(try await store.chunkVectors(inCollection: "c").map(\.vector) == [vector])
            #expect(try await store.collection(named: "c")?.dimensions == 4)
        }
    }

    @Test(arguments: StoreKind.allCases) func queryPunctuationCannotBreakTheFullTextSyntax(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store, _ in
            try await store.createCollection(RetrievalCollection(name: "c", createdAt: Date()))
            try await store.replaceSource(source("/a.md", hash: "1"), chunks: [chunk("/a.md", "NEAR the end OR not")])
            #expect(try await store.keywordMatches(for: "\"unbalanced (NEAR* end^ -x", inCollection: "c", limit: 5).count == 1)
            #expect(try await store.keywordMatches(for: "?!", inCollection: "c", limit: 5).isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases) func stopWordsDoNotMatchPassagesOnTheirOwn(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store, _ in
            try await store.createCollection(RetrievalCollection(name: "c", createdAt: Date()))
            try await store.replaceSource(
                source("/a.md", hash: "1"), chunks: [chunk("/a.md", "the walrus sings"), chunk("/a.md", "an otter")])
            #expect(try await store.keywordMatches(for: "Is the badger here?", inCollection: "c", limit: 5).isEmpty)
            let found = try await store.keywordMatches(for: "What does the walrus do?", inCollection: "c", limit: 5)
            #expect(try await store.chunks(ids: found.map(\.id)).map(\.text) == ["the walrus sings"])
        }
    }

    @Test(arguments: StoreKind.allCases) func aCollectionNameIsTakenOnce(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store, _ in
            try await store.createCollection(RetrievalCollection(name: "c", createdAt: Date()))
            await #expect(throws: (any Error).self) { try await store.createCollection(RetrievalCollection(name: "c", createdAt: Date())) }
        }
    }
}

internal import Foundation
internal import SluiceCore
internal import SluicePolicy
internal import SluiceServer

/// Sets up a ``DocumentIndexer`` for `add` and `sync`: the store, the collection and, when it
/// has embeddings, its backend built from the configuration as `sluice serve` builds it.
enum RagIndexing {
    static func run(
        store options: StoreOptions, collection name: String, chunker: DocumentChunker, showsProgress: Bool,
        _ body: (DocumentIndexer, inout DocumentIndexer.Summary) async throws -> Void
    ) async throws -> DocumentIndexer.Summary {
        let configuration = try options.loadConfiguration()
        // Progress goes to a terminal only: in a log or a pipe it would be noise.
        let progress = showsProgress && isatty(STDERR_FILENO) == 1
        return try await StoreOptions.withStore(configuration) { store in
            let collection = try await RagCommand.collection(named: name, in: store)
            var summary = DocumentIndexer.Summary()
            guard let backend = collection.embeddingBackend else {
                let indexer = DocumentIndexer(
                    store: store, collection: collection, chunker: chunker, embedder: nil, showsProgress: progress)
                try await body(indexer, &summary)
                return summary
            }
            try await GatewayServer.withPassageEmbedder(
                configuration: configuration, backends: [backend], environment: ProcessInfo.processInfo.environment
            ) { embedder in
                let indexer = DocumentIndexer(
                    store: store, collection: collection, chunker: chunker, embedder: embedder, showsProgress: progress)
                try await body(indexer, &summary)
            }
            return summary
        }
    }

    static func report(_ summary: DocumentIndexer.Summary, collection: String, json: Bool) {
        if json {
            var object = summary.json.objectValue ?? JSONObject()
            object["collection"] = .string(collection)
            print(Output.json(.object(object)))
            return
        }
        for (path, reason) in summary.skipped { print("skipped \(path): \(reason)") }
        print("\(collection): \(summary.line)")
    }
}

internal import ArgumentParser
internal import SluicePolicy
internal import SluiceStore

struct RagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rag", abstract: "Build and search the document collections the rag policy stage retrieves from.",
        subcommands: [
            RagCreateCommand.self, RagAddCommand.self, RagSyncCommand.self, RagSearchCommand.self, RagListCommand.self,
            RagShowCommand.self, RagRemoveCommand.self,
        ])

    /// Runs `body` with the configured store, which must keep collections.
    static func withRetrievalStore<Result>(
        _ options: StoreOptions, _ body: (any RetrievalStore) async throws -> Result
    ) async throws -> Result {
        try await options.withStore { store in
            guard let store = store as? any RetrievalStore else {
                throw CommandFailure("rag collections are kept in the SQLite store only for now; \(store.location) cannot hold them")
            }
            return try await body(store)
        }
    }

    /// The collection named `name`, or a failure listing the ones there are.
    static func collection(named name: String, in store: any RetrievalStore) async throws -> RetrievalCollection {
        if let collection = try await store.collection(named: name) { return collection }
        let known = try await store.collections().map(\.name).joined(separator: ", ")
        throw CommandFailure("no collection named '\(name)' (collections: \(known.isEmpty ? "none" : known))")
    }
}

internal import ArgumentParser
internal import SluicePolicy

struct RagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rag", abstract: "Build and search the document collections the rag policy stage retrieves from.",
        subcommands: [
            RagCreateCommand.self, RagAddCommand.self, RagSyncCommand.self, RagSearchCommand.self, RagListCommand.self,
            RagShowCommand.self, RagRemoveCommand.self,
        ])

    /// The collection named `name`, or a failure listing the ones there are.
    static func collection(named name: String, in store: any RetrievalStore) async throws -> RetrievalCollection {
        if let collection = try await store.collection(named: name) { return collection }
        let known = try await store.collections().map(\.name).joined(separator: ", ")
        throw CommandFailure("no collection named '\(name)' (collections: \(known.isEmpty ? "none" : known))")
    }
}

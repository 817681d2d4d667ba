internal import ArgumentParser
internal import Foundation
internal import SluiceCore
internal import SluicePolicy

struct RagRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a collection, or one document of it with --source.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The collection's name.") var name: String
    @Option(help: ArgumentHelp("Remove only this document (its path as added).", valueName: "path")) var source: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let (name, source) = (name, source.map(DocumentIndexer.absolutePath))
        let removed = try await store.withStore { store in
            _ = try await RagCommand.collection(named: name, in: store)
            if let source { return try await store.removeSource(path: source, inCollection: name) }
            return try await store.removeCollection(named: name)
        }
        if let source, !removed { throw CommandFailure("collection '\(name)' has no document \(source)") }
        if json {
            print(Output.json(["collection": .string(name), "source": source.map(JSONValue.string) ?? .null, "removed": .bool(removed)]))
        } else {
            print(source.map { "Removed \($0) from collection '\(name)'." } ?? "Removed collection '\(name)'.")
        }
    }
}

internal import ArgumentParser
internal import Foundation
internal import SluiceCore
internal import SluicePolicy

struct RagListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the collections.")

    @OptionGroup var store: StoreOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let collections = try await store.withStore { try await $0.collections() }
        if json {
            print(Output.json(.array(collections.map(Output.collectionJSON))))
            return
        }
        guard !collections.isEmpty else {
            print("No collections yet. Create one with: sluice rag create NAME")
            return
        }
        let rows = collections.map { collection in
            [
                collection.name, String(collection.sourceCount), String(collection.chunkCount),
                collection.embeddingBackend.map { [$0, collection.embeddingModel].compactMap { $0 }.joined(separator: ":") } ?? "-",
                collection.updatedAt.formatted(.iso8601),
            ]
        }
        print(Output.table([["NAME", "SOURCES", "CHUNKS", "EMBEDDINGS", "UPDATED"]] + rows))
    }
}

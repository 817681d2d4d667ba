internal import SluiceStore
internal import ArgumentParser
internal import Foundation
internal import SluiceCore
internal import SluicePolicy

struct RagShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a collection and its documents.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The collection's name.") var name: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let name = name
        let (collection, sources) = try await store.withStore { store in
            (try await RagCommand.collection(named: name, in: store), try await store.sources(inCollection: name))
        }
        if json {
            var object = Output.collectionJSON(collection).objectValue ?? JSONObject()
            object["sources"] = .array(
                sources.map { source in
                    [
                        "path": .string(source.path), "content_hash": .string(source.contentHash), "chunks": .integer(source.chunkCount),
                        "added_at": AdminJSON.timestamp(source.addedAt),
                    ]
                })
            print(Output.json(.object(object)))
            return
        }
        let embeddings = collection.embeddingBackend.map { [$0, collection.embeddingModel].compactMap { $0 }.joined(separator: ":") }
        print("collection \(collection.name): \(collection.sourceCount) documents, \(collection.chunkCount) passages")
        print("embeddings: \(embeddings ?? "none (keyword search only)")\(collection.dimensions.map { ", \($0) dimensions" } ?? "")")
        if !sources.isEmpty {
            print(
                Output.table(
                    [["PATH", "CHUNKS", "ADDED"]] + sources.map { [$0.path, String($0.chunkCount), $0.addedAt.formatted(.iso8601)] }))
        }
    }
}

internal import ArgumentParser
internal import Foundation
internal import SluiceConfig
internal import SluiceCore
internal import SluicePolicy

struct RagCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a collection: keyword search always, vector search with --embeddings.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The collection's name, as policies name it.") var name: String

    @Option(
        help: ArgumentHelp(
            "Embed passages with this backend of the configuration (an embedding GGUF, or a remote /v1/embeddings) and model.",
            valueName: "backend[:model]"))
    var embeddings: String?

    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw ValidationError("a collection name is letters, digits, '-', '_' and '.'")
        }
    }

    func run() async throws {
        var collection = RetrievalCollection(name: name, createdAt: Date())
        if let embeddings {
            let parts = embeddings.split(separator: ":", maxSplits: 1).map(String.init)
            let backendName = parts[0]
            let configuration = try store.loadConfiguration()
            guard let backend = configuration.backends.first(where: { $0.name == backendName }) else {
                let known = configuration.backends.map(\.name).joined(separator: ", ")
                throw CommandFailure("--embeddings: no backend named '\(backendName)' (backends: \(known.isEmpty ? "none" : known))")
            }
            switch backend.kind {
            case .anthropic:
                throw CommandFailure("--embeddings: backend '\(backendName)' speaks the Anthropic API, which has no embeddings")
            case .llama where !backend.embeddings:
                throw CommandFailure("--embeddings: backend '\(backendName)' is a chat model (set embeddings: true with an embedding GGUF)")
            case .openai where parts.count < 2, .openAIResponses where parts.count < 2:
                throw CommandFailure(
                    "--embeddings: name the model of remote backend '\(backendName)', e.g. \(backendName):text-embedding-3-small")
            default: break
            }
            collection.embeddingBackend = backendName
            collection.embeddingModel = parts.count > 1 ? parts[1] : nil
        }
        let created = collection
        try await store.withStore { try await $0.createCollection(created) }
        if json {
            print(Output.json(Output.collectionJSON(created)))
        } else {
            let search = created.embeddingBackend.map { "keyword and vector search (embeddings: \($0))" } ?? "keyword search"
            print("Created collection '\(created.name)' with \(search). Add documents with: sluice rag add \(created.name) PATH…")
        }
    }
}

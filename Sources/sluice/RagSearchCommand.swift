public import ArgumentParser
internal import Foundation
internal import SluiceCore
public import SluicePolicy
internal import SluiceServer

struct RagSearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Show what the rag stage would retrieve for a query: score, source, heading, text.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The collection's name.") var name: String
    @Argument(help: "The query, as a user would ask it.") var query: String
    @Option(help: "How many passages.") var top = 4
    @Option(help: "keyword, vector or hybrid (default: hybrid with embeddings, keyword without).") var mode: RetrievalMode?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard top > 0 else { throw ValidationError("--top must be a positive number") }
    }

    func run() async throws {
        let configuration = try store.loadConfiguration()
        let (name, query, top, mode) = (name, query, top, mode)
        let passages = try await StoreOptions.withStore(configuration) { store in
            let collection = try await RagCommand.collection(named: name, in: store)
            let chosen = mode ?? (collection.hasEmbeddings ? .hybrid : .keyword)
            guard chosen != .keyword, let backend = collection.embeddingBackend else {
                if chosen != .keyword { throw CommandFailure("collection '\(name)' has no embeddings: only --mode keyword works") }
                return try await Retriever(store: store, embedder: nil).search(query, in: [collection], mode: chosen, limit: top)
            }
            return try await GatewayServer.withPassageEmbedder(
                configuration: configuration, backends: [backend], environment: ProcessInfo.processInfo.environment
            ) { embedder in
                try await Retriever(store: store, embedder: embedder).search(query, in: [collection], mode: chosen, limit: top)
            }
        }
        if json {
            print(
                Output.json(
                    .array(
                        passages.map { passage in
                            [
                                "score": .double(passage.score), "source": .string(passage.chunk.sourcePath),
                                "heading": .string(passage.chunk.heading), "start_line": .integer(passage.chunk.startLine),
                                "end_line": .integer(passage.chunk.endLine), "text": .string(passage.chunk.text),
                            ]
                        })))
            return
        }
        guard !passages.isEmpty else {
            print("No passages match.")
            return
        }
        for passage in passages {
            let heading = passage.chunk.heading.isEmpty ? "" : " — \(passage.chunk.heading)"
            print(
                String(format: "%.4f", passage.score)
                    + "  \(passage.chunk.sourcePath):\(passage.chunk.startLine)-\(passage.chunk.endLine)\(heading)")
            print(passage.chunk.text.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n"))
            print("")
        }
    }
}

extension RetrievalMode: ExpressibleByArgument {}

internal import ArgumentParser
internal import Foundation
internal import SluiceCore
internal import SluicePolicy

struct RagAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add files or folders to a collection; a changed file's passages replace its old ones.",
        discussion: """
            Text, Markdown, reStructuredText, HTML (its text), source code and PDF (with pdftotext from \
            poppler-utils) are cut along headings and paragraphs (code along definitions).
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var chunking: ChunkingOptions
    @Argument(help: "The collection's name.") var name: String
    @Argument(help: "Files and folders to add.") var paths: [String]
    @Flag(help: "Print a JSON summary.") var json = false

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("name at least one file or folder") }
    }

    func run() async throws {
        let files = try DocumentIndexer.files(at: paths)
        let summary = try await RagIndexing.run(store: store, collection: name, chunker: chunking.chunker, showsProgress: !json) {
            indexer, summary in try await indexer.index(files, into: &summary)
        }
        RagIndexing.report(summary, collection: name, json: json)
    }
}

internal import ArgumentParser
internal import Foundation
internal import SluiceCore
internal import SluicePolicy

struct RagSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Make a collection mirror a folder: add new files, update changed ones, remove deleted ones.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var chunking: ChunkingOptions
    @Argument(help: "The collection's name.") var name: String
    @Argument(help: "The folder to mirror.") var folder: String
    @Flag(help: "Print a JSON summary.") var json = false

    func run() async throws {
        let folder = DocumentIndexer.absolutePath(folder)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw CommandFailure("no folder at \(folder)")
        }
        let files = try DocumentIndexer.folderFiles(folder)
        let name = name
        let summary = try await RagIndexing.run(store: store, collection: name, chunker: chunking.chunker, showsProgress: !json) {
            indexer, summary in
            try await indexer.index(files, into: &summary)
            // Documents of this folder that are no longer in it; others the collection holds stay.
            let present = Set(files.map(\.path))
            for source in try await indexer.store.sources(inCollection: name)
            where source.path.hasPrefix(folder + "/") && !present.contains(source.path) {
                if try await indexer.store.removeSource(path: source.path, inCollection: name) { summary.removed.append(source.path) }
            }
        }
        RagIndexing.report(summary, collection: name, json: json)
    }
}

internal import Foundation
internal import SluiceCore
internal import SluiceCrypto
internal import SluicePolicy

/// What `sluice rag add` and `sluice rag sync` share: finding documents, reading them (PDFs
/// through `pdftotext`), cutting them into passages, embedding those when the collection has
/// a backend, and storing each document's passages in place of its old ones.
struct DocumentIndexer {
    /// A document to index.
    struct File: Hashable {
        var path: String
        var format: DocumentFormat
    }

    /// What a run did, for the closing line or `--json`.
    struct Summary {
        var added: [String] = []
        var updated: [String] = []
        var unchanged = 0
        var removed: [String] = []
        var chunks = 0
        var skipped: [(path: String, reason: String)] = []

        var json: JSONValue {
            [
                "added": .integer(added.count), "updated": .integer(updated.count), "unchanged": .integer(unchanged),
                "removed": .integer(removed.count), "chunks": .integer(chunks),
                "skipped": .array(skipped.map { ["path": .string($0.path), "reason": .string($0.reason)] }),
            ]
        }

        var line: String {
            var parts = ["\(added.count) added", "\(updated.count) updated", "\(unchanged) unchanged"]
            if !removed.isEmpty { parts.append("\(removed.count) removed") }
            if !skipped.isEmpty { parts.append("\(skipped.count) skipped") }
            return parts.joined(separator: ", ") + " (\(chunks) passages written)"
        }
    }

    let store: any RetrievalStore
    let collection: RetrievalCollection
    let chunker: DocumentChunker
    /// Set when the collection has embeddings.
    let embedder: (any PassageEmbedder)?
    /// Whether to show `[n/total] path` on stderr as files go by.
    let showsProgress: Bool

    /// How many passages one embedding call carries.
    static let embeddingBatch = 16

    /// Reads, cuts, embeds and stores `files`; files whose content hash is unchanged are left as they are.
    func index(_ files: [File], into summary: inout Summary) async throws {
        let known = Dictionary(
            try await store.sources(inCollection: collection.name).map { ($0.path, $0.contentHash) },
            uniquingKeysWith: { first, _ in first })
        // Without pdftotext every PDF would fail alike: say so once, before anything is written.
        if let pdf = files.first(where: { $0.format == .pdf }), Self.pdftotext == nil {
            throw CommandFailure("\(pdf.path): reading PDFs needs pdftotext, which is not installed (apt install poppler-utils)")
        }
        for (number, file) in files.enumerated() {
            if showsProgress { Self.progress("[\(number + 1)/\(files.count)] \(file.path)") }
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: file.path))
            } catch {
                summary.skipped.append((file.path, "cannot be read"))
                continue
            }
            let hash = SHA256.hexDigest(of: [UInt8](data))
            if known[file.path] == hash {
                summary.unchanged += 1
                continue
            }
            let text: String
            do {
                text = try Self.text(of: data, path: file.path, format: file.format)
            } catch let failure as CommandFailure {
                summary.skipped.append((file.path, failure.description))
                continue
            }
            let pieces = chunker.chunks(of: text, format: file.format)
            var chunks = pieces.map { piece in
                RetrievalChunk(
                    collection: collection.name, sourcePath: file.path, heading: piece.heading, startLine: piece.startLine,
                    endLine: piece.endLine, text: piece.text)
            }
            if let embedder, let backend = collection.embeddingBackend {
                var start = 0
                while start < chunks.count {
                    let batch = start..<min(start + Self.embeddingBatch, chunks.count)
                    let texts = chunks[batch].map { $0.heading.isEmpty ? $0.text : "\($0.heading)\n\n\($0.text)" }
                    let vectors = try await embedder.embed(texts, backend: backend, model: collection.embeddingModel ?? backend)
                    for (index, vector) in zip(batch, vectors) { chunks[index].vector = vector }
                    start = batch.upperBound
                }
            }
            let source = RetrievalSource(collection: collection.name, path: file.path, contentHash: hash, addedAt: Date())
            try await store.replaceSource(source, chunks: chunks)
            if known[file.path] == nil { summary.added.append(file.path) } else { summary.updated.append(file.path) }
            summary.chunks += chunks.count
        }
        if showsProgress, !files.isEmpty { Self.progress("") }
    }

    /// The documents named: files as they are (any extension not known read as plain text),
    /// folders walked for files of known formats, hidden ones left out.
    static func files(at paths: [String]) throws -> [File] {
        var files: [File] = []
        for path in paths.map(absolutePath) {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw CommandFailure("no file or folder at \(path)")
            }
            guard isFolder.boolValue else {
                files.append(
                    File(path: path, format: DocumentFormat(pathExtension: URL(fileURLWithPath: path).pathExtension) ?? .plainText))
                continue
            }
            files += try folderFiles(path)
        }
        var seen = Set<String>()
        return files.filter { seen.insert($0.path).inserted }
    }

    /// The files of known formats under `folder`, by path.
    static func folderFiles(_ folder: String) throws -> [File] {
        let root = URL(fileURLWithPath: folder)
        guard
            let walker = FileManager.default.enumerator(
                at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles, .skipsPackageDescendants])
        else { throw CommandFailure("cannot read the folder \(folder)") }
        var files: [File] = []
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true,
                let format = DocumentFormat(pathExtension: url.pathExtension)
            else { continue }
            files.append(File(path: url.standardizedFileURL.path, format: format))
        }
        return files.sorted { $0.path < $1.path }
    }

    static func absolutePath(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// A document's text: UTF-8 as it is, PDFs through `pdftotext`.
    static func text(of data: Data, path: String, format: DocumentFormat) throws -> String {
        guard format == .pdf else {
            guard let text = String(data: data, encoding: .utf8) else { throw CommandFailure("not UTF-8 text") }
            return text
        }
        guard let tool = pdftotext else { throw CommandFailure("pdftotext is not installed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-enc", "UTF-8", path, "-"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailure("pdftotext could not read it (exit \(process.terminationStatus))")
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// `pdftotext` on the `PATH`, if installed.
    static var pdftotext: String? {
        let search = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return search.map { "\($0)/pdftotext" }.first(where: FileManager.default.isExecutableFile)
    }

    /// One line of progress, overwritten by the next.
    private static func progress(_ line: String) {
        let shown = line.count > 100 ? "…" + line.suffix(99) : Substring(line)
        FileHandle.standardError.write(Data("\r\u{1B}[K\(shown)".utf8))
    }
}

internal import ArgumentParser
internal import SluicePolicy

/// How `sluice rag add` and `sync` cut documents.
struct ChunkingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The most characters a passage holds (about a quarter as many tokens).", valueName: "characters"))
    var chunkSize = 1200

    @Option(help: ArgumentHelp("How many characters of a passage's end the next one repeats.", valueName: "characters"))
    var chunkOverlap = 150

    func validate() throws {
        guard chunkSize >= 64 else { throw ValidationError("--chunk-size must be at least 64") }
        guard chunkOverlap >= 0, chunkOverlap <= chunkSize / 2 else {
            throw ValidationError("--chunk-overlap must be between 0 and half of --chunk-size")
        }
    }

    var chunker: DocumentChunker { DocumentChunker(maxCharacters: chunkSize, overlapCharacters: chunkOverlap) }
}

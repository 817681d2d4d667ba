import SluicePolicy
import Testing

@Suite struct DocumentChunkerTests {
    @Test func markdownPassagesCarryTheirHeadingPathAndLines() {
        let text = """
            # Handbook
            Intro line.

            ## Vacation
            Thirty days a year.

            ## Expenses
            Receipts within two weeks.
            """
        let chunks = DocumentChunker().chunks(of: text, format: .markdown)
        #expect(chunks.map(\.heading) == ["Handbook", "Handbook > Vacation", "Handbook > Expenses"])
        #expect(chunks[1] == DocumentChunk(text: "Thirty days a year.", heading: "Handbook > Vacation", startLine: 5, endLine: 5))
        #expect(chunks[2].startLine == 8)
    }

    @Test func aHashInsideFencedCodeIsNotAHeading() {
        let text = "# Setup\n```sh\n# install\nmake\n```\n"
        let chunks = DocumentChunker().chunks(of: text, format: .markdown)
        #expect(chunks.count == 1)
        #expect(chunks[0].heading == "Setup")
        #expect(chunks[0].text.contains("# install"))
    }

    @Test func restructuredTextTitlesNestByTheirAdornment() {
        let text = "Guide\n=====\n\nIntro.\n\nInstall\n-------\n\nRun it.\n\nUpgrade\n-------\n\nAgain.\n"
        let chunks = DocumentChunker().chunks(of: text, format: .restructuredText)
        #expect(chunks.map(\.heading) == ["Guide", "Guide > Install", "Guide > Upgrade"])
        #expect(chunks[1].text == "Run it.")
    }

    @Test func codeIsCutAtTopLevelDefinitionsKeepingTheCommentAbove() {
        let text = """
            import os

            # Doubles.
            def double(x):
                return x * 2

            class Box:
                def open(self):
                    pass
            """
        let chunks = DocumentChunker().chunks(of: text, format: .code)
        #expect(chunks.map(\.heading) == ["", "def double(x)", "class Box"])
        #expect(chunks[1].text.hasPrefix("# Doubles.\ndef double(x):"))
        #expect(chunks[2].text.contains("def open(self)"))
    }

    @Test func htmlIsReducedToItsTextWithHeadings() {
        let html = "<html><style>p{color:red}</style><body><h2>Parking</h2><p>Bikes &amp; cars in <b>garage B</b>.</p></body></html>"
        let chunks = DocumentChunker().chunks(of: html, format: .html)
        #expect(chunks.count == 1)
        #expect(chunks[0].heading == "Parking")
        #expect(chunks[0].text == "Bikes & cars in garage B.")
    }

    @Test func longSectionsAreCutToSizeWithOverlapAndLoseNothing() {
        let lines = (1...60).map { "Line \($0) says something about the topic." }
        let chunker = DocumentChunker(maxCharacters: 300, overlapCharacters: 60)
        let chunks = chunker.chunks(of: lines.joined(separator: "\n"), format: .plainText)
        #expect(chunks.count > 5)
        for chunk in chunks { #expect(chunk.text.count <= 300) }
        // Every line appears, and each passage after the first repeats the end of the one before.
        let covered = Set(chunks.flatMap { $0.text.split(separator: "\n").map(String.init) })
        #expect(covered == Set(lines))
        for (previous, next) in zip(chunks, chunks.dropFirst()) {
            #expect(next.startLine <= previous.endLine)
            #expect(next.startLine > previous.startLine)
        }
    }

    @Test func aLineLongerThanAPassageIsCutAtSpaces() {
        let line = Array(repeating: "word", count: 100).joined(separator: " ")
        let chunks = DocumentChunker(maxCharacters: 100, overlapCharacters: 0).chunks(of: line, format: .plainText)
        #expect(chunks.count == 5)
        #expect(chunks.allSatisfy { $0.text.count <= 100 && $0.startLine == 1 })
        #expect(chunks.map(\.text).joined(separator: " ") == line)
    }

    @Test func formatsFollowTheFileExtension() {
        #expect(DocumentFormat(pathExtension: "MD") == .markdown)
        #expect(DocumentFormat(pathExtension: "rst") == .restructuredText)
        #expect(DocumentFormat(pathExtension: "swift") == .code)
        #expect(DocumentFormat(pathExtension: "pdf") == .pdf)
        #expect(DocumentFormat(pathExtension: "png") == nil)
    }
}

/// Cuts a document into passages small enough to inject, along its own structure: sections
/// under headings (definitions, for code), then paragraphs, then lines; a line longer than a
/// passage is cut at spaces.
///
/// ```swift
/// let chunks = DocumentChunker(maxCharacters: 1200, overlapCharacters: 150)
///     .chunks(of: markdown, format: .markdown)
/// ```
///
/// A passage never spans two sections, so each has one heading. Consecutive passages of one
/// section share up to `overlapCharacters` of whole lines, so a sentence cut at a boundary is
/// whole in one of them. Pure value code: same text, same passages.
public struct DocumentChunker: Sendable, Hashable {
    /// The most characters a passage holds (about a quarter as many tokens).
    public var maxCharacters: Int
    /// How much of a passage's end the next passage of the same section repeats.
    public var overlapCharacters: Int

    public init(maxCharacters: Int = 1200, overlapCharacters: Int = 150) {
        self.maxCharacters = max(maxCharacters, 64)
        self.overlapCharacters = min(max(overlapCharacters, 0), self.maxCharacters / 2)
    }

    /// One line of the document (or a piece of a long one), with its 1-based line number.
    struct Line: Hashable {
        var number: Int
        var text: String
        /// Whether a blank line comes before it in the document.
        var opensParagraph = false
    }

    struct Section: Hashable {
        var heading: String
        var lines: [Line]
    }

    /// The passages of `text`; HTML is reduced to its text first, and its line numbers are those of that text.
    public func chunks(of text: String, format: DocumentFormat) -> [DocumentChunk] {
        let text = format == .html ? HTMLText.text(of: text) : text
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line in
            Line(number: index + 1, text: String(line.hasSuffix("\r") ? line.dropLast() : line))
        }
        let sections: [Section] =
            switch format {
            case .markdown, .html: Self.markdownSections(lines)
            case .restructuredText: Self.restructuredTextSections(lines)
            case .code: Self.codeSections(lines)
            case .plainText, .pdf: [Section(heading: "", lines: lines)]
            }
        return sections.flatMap(pack)
    }

    // MARK: Packing

    /// The passages of one section: paragraphs added whole while they fit, line by line otherwise.
    func pack(_ section: Section) -> [DocumentChunk] {
        var chunks: [DocumentChunk] = []
        var current: [Line] = []
        var size = 0
        var fresh = 0
        func emit() {
            guard fresh > 0 else { return }
            chunks.append(chunk(current, heading: section.heading))
            // Carry the last lines over, never all of them, so every passage moves forward.
            var carried: [Line] = []
            var carriedSize = 0
            for line in current.dropFirst().reversed() {
                guard carriedSize + line.text.count + 1 <= overlapCharacters else { break }
                carried.insert(line, at: 0)
                carriedSize += line.text.count + 1
            }
            current = carried
            size = carriedSize
            fresh = 0
        }
        for paragraph in paragraphs(of: section.lines) {
            let paragraphSize = paragraph.reduce(0) { $0 + $1.text.count + 1 }
            if size + paragraphSize > maxCharacters { emit() }
            for line in paragraph {
                if size + line.text.count + 1 > maxCharacters {
                    emit()
                    if size + line.text.count + 1 > maxCharacters {
                        current = []
                        size = 0
                    }
                }
                current.append(line)
                size += line.text.count + 1
                fresh += 1
            }
        }
        emit()
        return chunks
    }

    /// Runs of non-blank lines, each line cut to fit a passage.
    func paragraphs(of lines: [Line]) -> [[Line]] {
        var paragraphs: [[Line]] = []
        var current: [Line] = []
        for line in lines {
            if line.text.allSatisfy(\.isWhitespace) {
                if !current.isEmpty { paragraphs.append(current) }
                current = []
                continue
            }
            for (index, piece) in pieces(of: line.text).enumerated() {
                current.append(Line(number: line.number, text: piece, opensParagraph: current.isEmpty && index == 0))
            }
        }
        if !current.isEmpty { paragraphs.append(current) }
        return paragraphs
    }

    /// `text` cut at spaces (or anywhere, for a run without any) into pieces that fit a passage.
    func pieces(of text: String) -> [String] {
        var pieces: [String] = []
        var rest = Substring(text)
        while rest.count > maxCharacters {
            let window = rest.prefix(maxCharacters)
            let cut = window.lastIndex(of: " ").flatMap { $0 > window.startIndex ? $0 : nil } ?? window.endIndex
            pieces.append(String(rest[..<cut]))
            rest = rest[cut...].drop { $0 == " " }
        }
        if !rest.isEmpty || pieces.isEmpty { pieces.append(String(rest)) }
        return pieces
    }

    private func chunk(_ lines: [Line], heading: String) -> DocumentChunk {
        var text = ""
        for (index, line) in lines.enumerated() {
            if index > 0 { text += line.opensParagraph ? "\n\n" : "\n" }
            text += line.text
        }
        return DocumentChunk(text: text, heading: heading, startLine: lines[0].number, endLine: lines[lines.count - 1].number)
    }

    // MARK: Sections

    /// Sections under `#` headings, which are left out of the text (the passage carries them as
    /// its heading). Lines inside fenced code are never headings.
    static func markdownSections(_ lines: [Line]) -> [Section] {
        var sections = [Section(heading: "", lines: [])]
        var path: [(level: Int, title: String)] = []
        var fence: Substring?
        for line in lines {
            let trimmed = line.text.drop { $0 == " " }
            if let open = fence {
                if trimmed.hasPrefix(open) { fence = nil }
            } else if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence = trimmed.prefix(3)
            } else if let (level, title) = markdownHeading(line.text) {
                path.removeAll { $0.level >= level }
                path.append((level, title))
                sections.append(Section(heading: path.map(\.title).joined(separator: " > "), lines: []))
                continue
            }
            sections[sections.count - 1].lines.append(line)
        }
        return sections
    }

    private static func markdownHeading(_ line: String) -> (Int, String)? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = line.dropFirst(hashes)
        guard let first = rest.first, first == " " || first == "\t" else { return nil }
        let title = rest.trimming(" \t#")
        return title.isEmpty ? nil : (hashes, title)
    }

    /// Sections under reStructuredText titles: a line underlined (and perhaps overlined) with
    /// one punctuation character at least as long as it. Levels go by the order styles first appear.
    static func restructuredTextSections(_ lines: [Line]) -> [Section] {
        var sections = [Section(heading: "", lines: [])]
        var styles: [String] = []
        var path: [(level: Int, title: String)] = []
        var index = 0
        while index < lines.count {
            let title = lines[index].text.trimming(" \t")
            if !title.isEmpty, !isAdornment(title), index + 1 < lines.count, isAdornment(lines[index + 1].text),
                lines[index + 1].text.count >= title.count
            {
                let overlined = sections[sections.count - 1].lines.last.map { $0.text == lines[index + 1].text } ?? false
                if overlined { sections[sections.count - 1].lines.removeLast() }
                let style = (overlined ? "over" : "") + String(lines[index + 1].text.first!)
                if !styles.contains(style) { styles.append(style) }
                let level = styles.firstIndex(of: style)!
                path.removeAll { $0.level >= level }
                path.append((level, title))
                sections.append(Section(heading: path.map(\.title).joined(separator: " > "), lines: []))
                index += 2
                continue
            }
            sections[sections.count - 1].lines.append(lines[index])
            index += 1
        }
        return sections
    }

    private static func isAdornment(_ line: String) -> Bool {
        guard let first = line.first, line.count >= 3, "=-~^*+#\"'`:._".contains(first) else { return false }
        return line.allSatisfy { $0 == first }
    }

    /// Sections starting at each top-level definition, which keeps the comments and attributes
    /// just above it; the definition's first line is the heading and stays in the text.
    static func codeSections(_ lines: [Line]) -> [Section] {
        var sections = [Section(heading: "", lines: [])]
        for line in lines {
            if isDefinition(line.text) {
                var preamble: [Line] = []
                while let last = sections[sections.count - 1].lines.last, isCommentOrAttribute(last.text) {
                    preamble.insert(sections[sections.count - 1].lines.removeLast(), at: 0)
                }
                let heading = line.text.trimming(" \t{:")
                sections.append(Section(heading: String(heading.prefix(120)), lines: preamble + [line]))
                continue
            }
            sections[sections.count - 1].lines.append(line)
        }
        return sections
    }

    private static let modifiers: Set<Substring> = [
        "public", "private", "internal", "fileprivate", "package", "open", "final", "static", "export", "default", "async",
        "abstract", "pub", "pub(crate)", "extern", "inline", "override", "sealed", "data", "unsafe", "nonisolated",
    ]

    private static let definitionKeywords: Set<Substring> = [
        "func", "function", "def", "class", "struct", "enum", "protocol", "extension", "actor", "interface", "type", "fn", "impl",
        "trait", "mod", "module", "object", "fun", "typealias", "macro",
    ]

    /// Whether `line` opens a definition at the top level (no indentation).
    static func isDefinition(_ line: String) -> Bool {
        guard let first = line.first, !first.isWhitespace else { return false }
        var words = line.split(separator: " ").makeIterator()
        while let word = words.next() {
            if modifiers.contains(word) { continue }
            return definitionKeywords.contains(word)
        }
        return false
    }

    private static func isCommentOrAttribute(_ line: String) -> Bool {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        return ["//", "#", "@", "/*", "*", "--", ";;"].contains { trimmed.hasPrefix($0) } && !isDefinition(line)
    }
}

extension StringProtocol {
    fileprivate func trimming(_ set: String) -> String {
        let kept = drop { set.contains($0) }
        return String(kept.reversed().drop { set.contains($0) }.reversed())
    }
}

/// How a document's text is laid out, which decides where the chunker cuts it.
public enum DocumentFormat: String, Sendable, Hashable, CaseIterable {
    /// Paragraphs separated by blank lines.
    case plainText = "text"
    /// `#` headings; fenced code is never taken for a heading.
    case markdown
    /// Titles underlined (and optionally overlined) with punctuation.
    case restructuredText = "rst"
    /// Reduced to its text first (``HTMLText``), then cut like plain text.
    case html
    /// Cut along top-level definitions (functions, types), then blank lines.
    case code
    /// Read with `pdftotext` by the caller, then cut like plain text.
    case pdf

    /// The format of a file by its extension; `nil` for files that are not documents (images, archives…).
    public init?(pathExtension: String) {
        switch pathExtension.lowercased() {
        case "txt", "text", "log", "csv", "": self = .plainText
        case "md", "markdown", "mdx": self = .markdown
        case "rst": self = .restructuredText
        case "html", "htm", "xhtml": self = .html
        case "pdf": self = .pdf
        case let other where Self.codeExtensions.contains(other): self = .code
        default: return nil
        }
    }

    private static let codeExtensions: Set<String> = [
        "swift", "py", "js", "mjs", "ts", "tsx", "jsx", "go", "rs", "c", "h", "cc", "cpp", "hpp", "m", "java", "kt", "kts", "scala",
        "rb", "php", "cs", "sh", "bash", "zsh", "sql", "yaml", "yml", "toml", "json", "lua", "ex", "exs", "erl", "hs", "ml", "r",
        "pl", "dart", "zig",
    ]
}

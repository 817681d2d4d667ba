/// One passage of a document, as it is stored and retrieved.
public struct DocumentChunk: Sendable, Hashable {
    public var text: String
    /// The headings the passage sits under, outermost first, joined by ` > ` (for code, the
    /// definition it belongs to); empty before the first one.
    public var heading: String
    /// The lines of the document the passage comes from, 1-based and inclusive.
    public var startLine: Int
    public var endLine: Int

    public init(text: String, heading: String, startLine: Int, endLine: Int) {
        self.text = text
        self.heading = heading
        self.startLine = startLine
        self.endLine = endLine
    }
}

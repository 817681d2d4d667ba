/// The protocol a text block's citation is written in. Each upstream's citations are kept in its
/// own JSON (Anthropic's `citations`, the Responses API's `annotations`), and a front passes on
/// only those of its protocol: neither translates faithfully into the other (Anthropic's web
/// search locations carry an encrypted index OpenAI has no field for).
public enum CitationProtocol: Sendable {
    case anthropic
    case openAIResponses

    public init(of citation: JSONValue) {
        switch citation["type"]?.stringValue {
        case "url_citation", "file_citation", "container_file_citation", "file_path": self = .openAIResponses
        default: self = .anthropic
        }
    }
}

extension TextContent {
    /// The block's citations that are written in `citationProtocol`.
    public func citations(in citationProtocol: CitationProtocol) -> [JSONValue] {
        citations.filter { CitationProtocol(of: $0) == citationProtocol }
    }
}

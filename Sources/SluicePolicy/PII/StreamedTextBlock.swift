import SluiceCore

/// An open content block whose streamed text a stage scans: its kind, and the text held back
/// until no match can be cut by a chunk boundary.
struct StreamedTextBlock: Sendable {
    enum Kind: Sendable {
        case text
        case thinking
        /// Tool-call arguments: JSON text.
        case toolInput

        /// `text` as a delta of this kind; none when it is empty.
        func deltas(_ text: String) -> [StreamEvent] {
            guard !text.isEmpty else { return [] }
            switch self {
            case .text: return [.blockDelta(.text(text))]
            case .thinking: return [.blockDelta(.thinking(text))]
            case .toolInput: return [.blockDelta(.toolInput(partialJSON: text))]
            }
        }
    }

    let kind: Kind
    var buffer = PartialMatchBuffer()

    /// `nil` for a block without streamed text (redacted thinking, a Responses upstream's built-in
    /// tool call, whose item comes whole from the upstream's own tool).
    init?(_ start: BlockStart) {
        switch start {
        case .text: kind = .text
        case .thinking: kind = .thinking
        // A server tool's input (a web search's query) is scanned like a tool call's.
        case .toolUse, .anthropicOnly: kind = .toolInput
        case .redactedThinking, .responsesOnly: return nil
        }
    }
}

internal import SluiceCore

/// Turns the parser's deltas into canonical block events: a block opens when its kind first
/// appears and closes when another kind begins, so blocks never interleave and every tool call
/// gets its own `tool_use` block with a fresh id.
struct ResponseEventBuilder: Sendable {
    private enum OpenBlock: Equatable {
        case text
        case thinking
        case toolUse(index: Int)
    }

    private var current: OpenBlock?
    /// How many tool calls the answer holds so far.
    private(set) var toolCalls = 0
    private let makeToolUseID: @Sendable () -> String

    init(makeToolUseID: @escaping @Sendable () -> String = Identifiers.toolUseID) {
        self.makeToolUseID = makeToolUseID
    }

    mutating func events(for delta: OutputDelta) -> [StreamEvent] {
        switch delta {
        case .reasoning(let text):
            guard !text.isEmpty else { return [] }
            return switchTo(.thinking, start: .thinking) + [.blockDelta(.thinking(text))]
        case .content(let text):
            guard !text.isEmpty else { return [] }
            return switchTo(.text, start: .text) + [.blockDelta(.text(text))]
        case .toolStart(let index, let name):
            toolCalls += 1
            return close() + begin(.toolUse(index: index), start: .toolUse(id: makeToolUseID(), name: name))
        case .toolArguments(let index, let json):
            // Arguments belong to the call that is open; the parser sends them before the next call starts.
            guard !json.isEmpty, current == .toolUse(index: index) else { return [] }
            return [.blockDelta(.toolInput(partialJSON: json))]
        }
    }

    /// Closes the open block at the end of the answer.
    mutating func finish() -> [StreamEvent] {
        close()
    }

    private mutating func switchTo(_ block: OpenBlock, start: BlockStart) -> [StreamEvent] {
        guard current != block else { return [] }
        return close() + begin(block, start: start)
    }

    private mutating func begin(_ block: OpenBlock, start: BlockStart) -> [StreamEvent] {
        current = block
        return [.blockStart(start)]
    }

    private mutating func close() -> [StreamEvent] {
        guard current != nil else { return [] }
        current = nil
        return [.blockStop]
    }
}

import SluiceCore
import Testing

@testable import SluicePolicy

/// Compiled `pii` rules from a settings section written as JSON.
func piiRules(_ settings: JSONValue = [:]) throws -> PIIRules {
    try PIIRules(settings: JSONCursor(root: settings))
}

/// A settings section with every built-in detector off except those given.
func piiSettings(_ actions: [String: String], custom: [JSONValue] = []) -> JSONValue {
    var detectors = JSONObject()
    for name in PIIDetector.builtInNames { detectors[name] = .string(actions[name] ?? "off") }
    return ["detectors": .object(detectors), "custom": .array(custom)]
}

/// A request with one user message.
func piiRequest(_ text: String) -> ChatRequest {
    ChatRequest(model: "claude-sonnet-4-5", messages: [.user(text)])
}

/// Runs one block through `session` as a stream — message start, the block's start, a delta per
/// chunk, its stop, message end — and returns what came out, after checking it is well formed.
func streamBlock(
    _ chunks: [String],
    as block: BlockStart = .text,
    through session: inout some PolicySession
) throws -> [StreamEvent] {
    var input: [StreamEvent] = [.messageStart(id: "msg_1", model: "m", usage: Usage()), .blockStart(block)]
    for chunk in chunks {
        switch block {
        case .text: input.append(.blockDelta(.text(chunk)))
        case .thinking: input.append(.blockDelta(.thinking(chunk)))
        case .toolUse, .anthropicOnly: input.append(.blockDelta(.toolInput(partialJSON: chunk)))
        case .redactedThinking, .responsesOnly: break
        }
    }
    input += [.blockStop, .messageEnd(stopReason: .endTurn, stopSequence: nil, usage: Usage())]
    var output: [StreamEvent] = []
    for event in input {
        let passed = try session.process(event)
        output += passed.events
        if passed.stop != nil { break }
    }
    expectWellFormed(output, block: block)
    return output
}

/// The deltas' text, joined.
func deltaText(_ events: [StreamEvent]) -> String {
    events.map(deltaText).joined()
}

/// One event's delta text; empty for other events.
func deltaText(_ event: StreamEvent) -> String {
    guard case .blockDelta(let delta) = event else { return "" }
    switch delta {
    case .text(let text), .thinking(let text), .toolInput(let text): return text
    case .signature, .citation, .responsesOnlyEvent, .responsesOnlyItem: return ""
    }
}

/// No delta outside its block, no empty delta, deltas of the block's kind, blocks one at a time.
func expectWellFormed(_ events: [StreamEvent], block: BlockStart, sourceLocation: SourceLocation = #_sourceLocation) {
    var open = false
    for event in events {
        switch event {
        case .blockStart:
            #expect(!open, "a block opened inside another", sourceLocation: sourceLocation)
            open = true
        case .blockStop:
            #expect(open, "a block stopped that was not open", sourceLocation: sourceLocation)
            open = false
        case .blockDelta(let delta):
            #expect(open, "a delta outside its block", sourceLocation: sourceLocation)
            #expect(!deltaText(event).isEmpty || delta.isSignature, "an empty delta", sourceLocation: sourceLocation)
            switch (block, delta) {
            case (.text, .text), (.thinking, .thinking), (.thinking, .signature), (.toolUse, .toolInput): break
            default: Issue.record("a \(delta) delta in a \(block) block", sourceLocation: sourceLocation)
            }
        case .messageStart, .messageEnd:
            #expect(!open, "a message event inside a block", sourceLocation: sourceLocation)
        }
    }
}

extension BlockDelta {
    fileprivate var isSignature: Bool {
        if case .signature = self { true } else { false }
    }
}

/// `text` cut at each of `cuts` (byte offsets at character boundaries), in order.
func split(_ text: String, at cuts: [Int]) -> [String] {
    let bytes = Array(text.utf8)
    var pieces: [String] = []
    var start = 0
    for cut in cuts + [bytes.count] {
        pieces.append(String(decoding: bytes[start..<cut], as: UTF8.self))
        start = cut
    }
    return pieces
}

/// The offsets between characters of `text`, in bytes (ends excluded).
func characterBoundaries(_ text: String) -> [Int] {
    var offsets: [Int] = []
    var offset = 0
    for character in text.dropLast() {
        offset += character.utf8.count
        offsets.append(offset)
    }
    return offsets
}

import SluiceCore

/// Reads Anthropic SSE frames the way the SDKs and Claude Code do, and fails where they fail:
/// a frame without an event name, an index out of order, a delta for a block that is not open or
/// of another type, a tool call whose arguments are not JSON, a thinking block without signature,
/// `message_start` without usage, anything after the end.
struct StreamingClient {
    struct Violation: Error, CustomStringConvertible {
        var description: String
    }

    struct Block: Equatable {
        var type: String
        /// Text, thinking or the concatenated `partial_json`.
        var accumulated = ""
        var signatureDeltas = 0
        var firstDeltaType: String?
        var firstPartialJSON: String?
    }

    private(set) var blocks: [Block] = []
    private(set) var stopReason: String?
    private(set) var usage: JSONValue?
    private(set) var error: JSONValue?
    private(set) var finished = false
    private var started = false
    private var openIndex: Int?

    mutating func read(_ frames: [ServerSentEvent]) throws {
        for frame in frames { try read(frame) }
    }

    mutating func read(_ frame: ServerSentEvent) throws {
        guard !finished else { throw Violation(description: "frame after the end: \(frame.data)") }
        guard let name = frame.event else { throw Violation(description: "frame without an event name: \(frame.data)") }
        let data = try JSONParser.parse(frame.data)
        guard data.objectValue?.keys.first == "type", data["type"] == .string(name) else {
            throw Violation(description: "data does not start with type \(name): \(frame.data)")
        }
        if name != "message_start", name != "error", name != "ping", !started {
            throw Violation(description: "\(name) before message_start")
        }
        switch name {
        case "ping":
            break
        case "message_start":
            guard !started else { throw Violation(description: "second message_start") }
            guard data["message"]?["usage"]?["input_tokens"]?.intValue != nil, data["message"]?["usage"]?["output_tokens"]?.intValue != nil
            else { throw Violation(description: "message_start without usage") }
            started = true
        case "content_block_start":
            guard openIndex == nil else { throw Violation(description: "block opened while block \(openIndex!) is open") }
            guard data["index"]?.intValue == blocks.count else {
                throw Violation(description: "block index \(data["index"]!) out of order")
            }
            guard let type = data["content_block"]?["type"]?.stringValue else { throw Violation(description: "block without type") }
            if type == "tool_use", data["content_block"]?["input"] != [:] {
                throw Violation(description: "tool_use must start with input {}")
            }
            openIndex = blocks.count
            blocks.append(Block(type: type))
        case "content_block_delta":
            guard let index = data["index"]?.intValue, index == openIndex else { throw Violation(description: "Content block not found") }
            guard let delta = data["delta"], let type = delta["type"]?.stringValue else {
                throw Violation(description: "delta without type")
            }
            var block = blocks[index]
            if block.firstDeltaType == nil {
                block.firstDeltaType = type
                block.firstPartialJSON = delta["partial_json"]?.stringValue
            }
            switch (block.type, type) {
            case ("text", "text_delta"): block.accumulated += delta["text"]?.stringValue ?? ""
            case ("thinking", "thinking_delta"): block.accumulated += delta["thinking"]?.stringValue ?? ""
            case ("thinking", "signature_delta"): block.signatureDeltas += 1
            case ("tool_use", "input_json_delta"), ("server_tool_use", "input_json_delta"):
                block.accumulated += delta["partial_json"]?.stringValue ?? ""
            case ("text", "citations_delta"): break
            default: throw Violation(description: "Content block is not a \(type) block: \(block.type)")
            }
            blocks[index] = block
        case "content_block_stop":
            guard let index = data["index"]?.intValue, index == openIndex else {
                throw Violation(description: "stop of a block that is not open")
            }
            let block = blocks[index]
            if block.type == "tool_use", (try? JSONParser.parse(block.accumulated))?.objectValue == nil {
                throw Violation(description: "tool arguments are not a JSON object: \(block.accumulated)")
            }
            if block.type == "thinking", block.signatureDeltas == 0 {
                throw Violation(description: "thinking block without signature_delta")
            }
            openIndex = nil
        case "message_delta":
            guard openIndex == nil else { throw Violation(description: "message_delta inside a block") }
            guard data["usage"]?["output_tokens"]?.intValue != nil else {
                throw Violation(description: "message_delta without output_tokens")
            }
            stopReason = data["delta"]?["stop_reason"]?.stringValue
            usage = data["usage"]
        case "message_stop":
            guard usage != nil else { throw Violation(description: "message_stop before message_delta") }
            finished = true
        case "error":
            guard openIndex == nil else { throw Violation(description: "error while a block is open") }
            error = data["error"]
            finished = true
        default:
            throw Violation(description: "unknown event \(name)")
        }
    }
}

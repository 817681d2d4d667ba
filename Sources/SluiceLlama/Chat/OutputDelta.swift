internal import SluiceCore

/// A piece of the model's answer as the chat parser reads it from the generated text: reasoning,
/// visible text, or a tool call (its name once complete, then fragments of its JSON arguments).
enum OutputDelta: Sendable, Hashable {
    case reasoning(String)
    case content(String)
    case toolStart(index: Int, name: String)
    case toolArguments(index: Int, json: String)

    /// Reads the shim's `[{"kind": …}]` array.
    static func decode(_ value: JSONValue) -> [OutputDelta] {
        (value.arrayValue ?? []).compactMap { item in
            let text = item["text"]?.stringValue ?? ""
            let index = item["index"]?.intValue ?? 0
            switch item["kind"]?.stringValue {
            case "reasoning": return .reasoning(text)
            case "content": return .content(text)
            case "tool_start": return .toolStart(index: index, name: item["name"]?.stringValue ?? "")
            case "tool_args": return .toolArguments(index: index, json: text)
            default: return nil
            }
        }
    }
}

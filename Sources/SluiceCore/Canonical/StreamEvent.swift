/// One event of a canonical response stream.
///
/// Every backend yields these; the policy chain transforms them; each front encodes them. A
/// well-formed stream is `messageStart`, then for each content block `blockStart`, its deltas and
/// `blockStop` (blocks never interleave), then `messageEnd`. Events carry no block index: the
/// fronts number blocks as they encode them, so indices are 0, 1, 2 … by construction.
public enum StreamEvent: Sendable, Hashable {
    case messageStart(id: String, model: String, usage: Usage)
    case blockStart(BlockStart)
    case blockDelta(BlockDelta)
    case blockStop
    case messageEnd(stopReason: StopReason?, stopSequence: String?, usage: Usage)
}

public enum BlockStart: Sendable, Hashable {
    case text
    case thinking
    case redactedThinking(data: String)
    case toolUse(id: String, name: String)
    /// A block only Anthropic makes (a server tool's call or result: `server_tool_use`,
    /// `web_search_tool_result`, …), as its upstream started it. A call's input follows as
    /// ``BlockDelta/toolInput(partialJSON:)``. Only the Anthropic front sends it on.
    case anthropicOnly(JSONObject)
    /// An output item only an OpenAI Responses upstream makes (a built-in tool's call:
    /// `web_search_call`, …), as its upstream added it. Its progress events and the finished item
    /// follow as deltas. Only the Responses front sends it on.
    case responsesOnly(JSONObject)
}

public enum BlockDelta: Sendable, Hashable {
    case text(String)
    case thinking(String)
    /// The signature of the open thinking block; comes last, just before it stops.
    case signature(String)
    /// A fragment of the open tool call's JSON arguments; the fragments concatenate to the JSON.
    case toolInput(partialJSON: String)
    /// A citation of the open text block (Anthropic's web search and document citations).
    case citation(JSONValue)
    /// An upstream event about the open Responses-only item (`response.web_search_call.searching`,
    /// …): its `type` and fields, less the `sequence_number` the front numbers anew.
    case responsesOnlyEvent(JSONObject)
    /// The open Responses-only item as its upstream finished it (`response.output_item.done`).
    case responsesOnlyItem(JSONObject)
}

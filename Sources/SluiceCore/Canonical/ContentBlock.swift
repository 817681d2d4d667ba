/// A piece of a message's content, in the union of what the Anthropic and OpenAI APIs carry.
public enum ContentBlock: Sendable, Hashable {
    case text(TextContent)
    case image(ImageContent)
    case toolUse(ToolUse)
    case toolResult(ToolResult)
    case thinking(Thinking)
    /// Encrypted reasoning only an Anthropic upstream can read back.
    case redactedThinking(data: String)
    /// A block only Anthropic reads or writes: from a client, a PDF or file document, a tool
    /// reference, a server tool's call or result in the history; from Anthropic, a server tool's
    /// call or result in its answer.
    case anthropicOnly(AnthropicOnlyContent)
    /// An output item only an OpenAI Responses upstream makes or reads: a built-in tool's call
    /// (`web_search_call`, `mcp_call`, …) in its answer, or sent back in a client's history.
    case responsesOnly(ResponsesOnlyContent)
}

/// A block the canonical model does not interpret, kept as its JSON for Anthropic upstreams,
/// which read it: from clients, PDF and file documents (plain-text ones are text blocks instead),
/// search results, `tool_reference` (Claude Code's tool search loading a deferred tool) and the
/// history of Anthropic's own server tools; from Anthropic, those server tools' calls and results
/// (`server_tool_use`, `web_search_tool_result`, …). Other backends get
/// ``textForOtherBackends`` in its place, when there is one; OpenAI clients never see it.
public struct AnthropicOnlyContent: Sendable, Hashable {
    public var anthropicBlock: JSONObject

    public init(anthropicBlock: JSONObject) {
        self.anthropicBlock = anthropicBlock
    }

    /// What a backend that cannot read the block is given instead: a search result's text, or a
    /// note that a document was attached, so the model knows of it; `nil` for the rest.
    public var textForOtherBackends: String? {
        let title = anthropicBlock["title"]?.stringValue
        switch anthropicBlock["type"]?.stringValue {
        case "document":
            let source = anthropicBlock["source"]
            let kind = source?["media_type"]?.stringValue ?? (source?["type"]?.stringValue == "file" ? "a file" : "a document")
            return "[Attached document\(title.map { " \"\($0)\"" } ?? "") (\(kind)) omitted: this model cannot read documents.]"
        case "search_result":
            let texts = anthropicBlock["content"]?.arrayValue?.compactMap { $0["text"]?.stringValue } ?? []
            let source = anthropicBlock["source"]?.stringValue.map { " (\($0))" } ?? ""
            return (["Search result\(title.map { " \"\($0)\"" } ?? "")\(source):"] + texts).joined(separator: "\n")
        default:
            return nil
        }
    }
}

/// An OpenAI Responses output item the canonical model does not interpret, kept as its JSON (its
/// upstream `id` included) for Responses clients and upstreams, which read it: the calls of
/// OpenAI's built-in tools (`web_search_call`, `file_search_call`, `code_interpreter_call`,
/// `mcp_call`, …) and what a client sends back for them (`computer_call_output`, …). Other
/// backends and clients never see it: the text the model wrote about the call is in the
/// message items around it.
public struct ResponsesOnlyContent: Sendable, Hashable {
    public var item: JSONObject

    public init(item: JSONObject) {
        self.item = item
    }
}

public struct TextContent: Sendable, Hashable {
    public var text: String
    /// Anthropic prompt-caching hint, kept for Anthropic upstreams only.
    public var cacheControl: JSONValue?
    /// Citations of the sources the text draws on, each in its upstream's JSON: Anthropic's
    /// `citations` or the Responses API's `annotations` (see ``CitationProtocol``).
    public var citations: [JSONValue]

    public init(_ text: String, cacheControl: JSONValue? = nil, citations: [JSONValue] = []) {
        self.text = text
        self.cacheControl = cacheControl
        self.citations = citations
    }
}

public struct ImageContent: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        case base64(mediaType: String, data: String)
        case url(String)
    }

    public var source: Source
    public var cacheControl: JSONValue?

    public init(source: Source, cacheControl: JSONValue? = nil) {
        self.source = source
        self.cacheControl = cacheControl
    }
}

/// A call the model made to a tool.
public struct ToolUse: Sendable, Hashable {
    public var id: String
    public var name: String
    /// The arguments, a JSON object.
    public var input: JSONValue
    public var cacheControl: JSONValue?

    public init(id: String, name: String, input: JSONValue, cacheControl: JSONValue? = nil) {
        self.id = id
        self.name = name
        self.input = input
        self.cacheControl = cacheControl
    }
}

/// The result of a tool call, sent back by the client.
public struct ToolResult: Sendable, Hashable {
    public var toolUseID: String
    /// Text and image blocks.
    public var content: [ContentBlock]
    public var isError: Bool
    public var cacheControl: JSONValue?

    public init(toolUseID: String, content: [ContentBlock], isError: Bool = false, cacheControl: JSONValue? = nil) {
        self.toolUseID = toolUseID
        self.content = content
        self.isError = isError
        self.cacheControl = cacheControl
    }

    /// The text of the result's text blocks, joined by newlines.
    public var text: String {
        content.compactMap { if case .text(let block) = $0 { block.text } else { nil } }.joined(separator: "\n")
    }
}

/// The model's visible reasoning.
public struct Thinking: Sendable, Hashable {
    public var text: String
    /// Anthropic's signature over the thinking, needed to send it back to an Anthropic upstream.
    public var signature: String?

    public init(_ text: String, signature: String? = nil) {
        self.text = text
        self.signature = signature
    }
}

internal import CLlama
internal import SluiceCore

/// The model's own chat template (Jinja, from the GGUF), rendered by llama.cpp's `common`
/// library: tools, tool calls, tool results and thinking included, as llama-server renders them.
///
/// `@unchecked Sendable`: the shim serialises rendering with a mutex, and the pointer is freed
/// only in `deinit`.
final class ChatTemplate: @unchecked Sendable {
    private let pointer: OpaquePointer
    private let model: LlamaModel
    /// Whether the template refuses tool-call IDs other than nine letters and digits (Mistral's
    /// raise "Tool call IDs should be alphanumeric strings with length 9!").
    let requiresNineCharacterToolCallIDs: Bool

    init(model: LlamaModel) throws(LlamaError) {
        self.model = model
        pointer = try shimCall({ .templateFailed(model.path, $0) }) { sluice_chat_templates_new(model.pointer, $0) }
        let source = llama_model_chat_template(model.pointer, nil).map { String(cString: $0) } ?? ""
        requiresNineCharacterToolCallIDs = source.contains("alphanumeric strings with length 9")
    }

    deinit {
        sluice_chat_templates_free(pointer)
    }

    /// Renders `request` (the shim's JSON input, see ``LlamaPromptEncoder``).
    func render(_ request: JSONValue) throws(LlamaError) -> RenderedPrompt {
        let output = try shimCall(LlamaError.renderFailed) { error in
            sluice_chat_apply(pointer, request.serializedString(), error)
        }
        let text = takeShimString(output)
        do throws(JSONParseError) {
            return RenderedPrompt(try JSONParser.parse(text))
        } catch {
            throw .renderFailed("the shim answered malformed JSON: \(error.description)")
        }
    }
}

/// A rendered conversation: the prompt text and what generating and reading the answer need.
struct RenderedPrompt: Sendable, Hashable {
    let prompt: String
    /// The shim's full answer; the sampler and the parser take their fields from it.
    let details: JSONValue

    init(_ details: JSONValue) {
        self.prompt = details["prompt"]?.stringValue ?? ""
        self.details = details
    }

    var grammar: String { details["grammar"]?.stringValue ?? "" }
    var additionalStops: [String] { details["additional_stops"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    var preservedTokens: [String] { details["preserved_tokens"]?.arrayValue?.compactMap(\.stringValue) ?? [] }

    /// Whether the answer needs parsing: reasoning or tool calls may appear in it. Otherwise the
    /// generated text is the answer's text as it is.
    var needsParsing: Bool {
        (details["format"]?.intValue ?? 0) != 0 || !(details["parser"]?.stringValue ?? "").isEmpty
    }

    /// The parser's parameters.
    var parserParameters: JSONValue {
        [
            "format": details["format"] ?? 0,
            "parser": details["parser"] ?? "",
            "generation_prompt": details["generation_prompt"] ?? "",
            "reasoning_format": "deepseek",
        ]
    }
}

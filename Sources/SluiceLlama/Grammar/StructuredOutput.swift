internal import SluiceCore

/// What a request's response format asks of the embedded engine: a grammar the sampler enforces
/// from the first token, and an instruction in the system prompt so that a real model writes the
/// JSON it means instead of being dragged through the grammar token by token.
///
/// Tools the model could call are refused alongside a format: the template's tool-call grammar
/// and the answer's grammar cannot both hold, and a tool call that breaks the schema or an answer
/// that can never call a tool would both surprise the client. `tool_choice: none` keeps the tools
/// in the prompt and the format in force.
struct StructuredOutput: Sendable {
    /// GBNF for the answer; generation ends once it is complete, as only end-of-generation
    /// tokens are then allowed.
    let grammar: String
    let instruction: String

    /// The constraint a request's format amounts to; `nil` for free text.
    ///
    /// - Throws: a 400 for a schema the grammar cannot express in strict mode, or for tools the
    ///   model could call.
    static func make(for request: ChatRequest) throws(SluiceError) -> StructuredOutput? {
        let output: StructuredOutput
        switch request.responseFormat {
        case nil, .text?:
            return nil
        case .jsonObject?:
            output = StructuredOutput(grammar: JSONSchemaGrammar.anyObject, instruction: "Respond with a JSON object only.")
        case .jsonSchema(_, let schema, let strict)?:
            output = StructuredOutput(
                grammar: try JSONSchemaGrammar.grammar(for: schema, strict: strict),
                instruction: "Respond with JSON only, matching this JSON schema:\n\(schema.serializedString())")
        }
        if !request.tools.isEmpty, request.toolChoice != ToolChoice.none {
            throw .invalidRequest(
                "the embedded engine cannot combine a JSON response format with tools the model may call: send tool_choice \"none\" or leave out the response format"
            )
        }
        return output
    }

    /// `request` with the instruction after its system prompt and thinking off: the grammar
    /// allows no thinking block, and templates that open one by themselves close it when told.
    func constrain(_ request: ChatRequest) -> ChatRequest {
        var request = request
        request.system.append(TextContent(instruction))
        request.thinking = .disabled
        return request
    }
}

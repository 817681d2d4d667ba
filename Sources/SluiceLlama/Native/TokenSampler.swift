internal import CLlama
internal import SluiceCore

/// The sampler of one sequence: llama-server's chain (penalties, top-k, top-p, min-p,
/// temperature, seeded distribution) behind an optional grammar, which is how forced tool calls
/// and response formats are made to match their schema, and a reasoning budget, which closes the
/// thinking block once it is spent. Freed in `deinit`.
///
/// `@unchecked Sendable`: created by the request's task, then used only by the engine thread.
final class TokenSampler: @unchecked Sendable {
    private let pointer: OpaquePointer

    /// - Parameter grammar: A response format's GBNF, in force from the first generated token
    ///   instead of the template's tool-call grammar (which would be fed the generation prompt first).
    /// - Throws: ``LlamaError`` when libllama refuses the grammar.
    init(model: LlamaModel, parameters: SamplingParameters, prompt: RenderedPrompt, grammar: String? = nil) throws(LlamaError) {
        var json = parameters.json
        let details = prompt.details
        if let grammar {
            json["grammar"] = .string(grammar)
        } else {
            for key in ["grammar", "grammar_lazy", "grammar_triggers", "preserved_tokens", "generation_prompt"] {
                if let value = details[key] { json[key] = value }
            }
        }
        // Where reasoning starts and ends: the budget counts between them, and a lazy tool-call
        // grammar does not wake up inside them (as in llama-server).
        if let start = details["thinking_start_tag"] { json["reasoning_budget_start_tag"] = start }
        if let ends = details["thinking_end_tags"] { json["reasoning_budget_end_tags"] = ends }
        let text = JSONValue.object(json).serializedString()
        pointer = try shimCall(LlamaError.samplerFailed) { sluice_sampler_new(model.pointer, text, $0) }
    }

    deinit {
        sluice_sampler_free(pointer)
    }

    /// Picks (and accepts) the next token from the logits at batch position `index`.
    func sample(_ context: OpaquePointer, index: Int32) -> llama_token {
        sluice_sampler_sample(pointer, context, index)
    }
}

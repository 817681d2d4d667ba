internal import SluiceCore

/// How the next token is chosen. Unset fields take llama-server's defaults (temperature 0.8,
/// top-k 40, top-p 0.95, min-p 0.05, no penalties, a random seed); temperature 0 is greedy.
struct SamplingParameters: Sendable, Hashable {
    var temperature: Double?
    var topK: Int?
    var topP: Double?
    var minP: Double?
    var repetitionPenalty: Double?
    var frequencyPenalty: Double?
    var presencePenalty: Double?
    var seed: Int?
    /// Most tokens of reasoning before the end of the thinking block is forced (Anthropic's
    /// `budget_tokens`); `nil` lets the model think as long as it likes.
    var reasoningBudget: Int?

    init(
        temperature: Double? = nil, topK: Int? = nil, topP: Double? = nil, minP: Double? = nil,
        repetitionPenalty: Double? = nil, frequencyPenalty: Double? = nil, presencePenalty: Double? = nil, seed: Int? = nil,
        reasoningBudget: Int? = nil
    ) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.frequencyPenalty = frequencyPenalty
        self.presencePenalty = presencePenalty
        self.seed = seed
        self.reasoningBudget = reasoningBudget
    }

    /// The sampling fields of a canonical request.
    init(_ request: ChatRequest) {
        self.init(
            temperature: request.temperature, topK: request.topK, topP: request.topP,
            minP: request.minP, repetitionPenalty: request.repetitionPenalty,
            frequencyPenalty: request.frequencyPenalty, presencePenalty: request.presencePenalty, seed: request.seed)
        if case .enabled(let budget?)? = request.thinking { reasoningBudget = budget }
    }

    /// The shim's sampler fields.
    var json: JSONObject {
        var object = JSONObject()
        if let temperature { object["temperature"] = .double(temperature) }
        if let topK { object["top_k"] = .integer(topK) }
        if let topP { object["top_p"] = .double(topP) }
        if let minP { object["min_p"] = .double(minP) }
        if let repetitionPenalty { object["repeat_penalty"] = .double(repetitionPenalty) }
        if let frequencyPenalty { object["frequency_penalty"] = .double(frequencyPenalty) }
        if let presencePenalty { object["presence_penalty"] = .double(presencePenalty) }
        // llama.cpp seeds are 32-bit; 0xFFFFFFFF means "random".
        if let seed {
            let value = UInt32(truncatingIfNeeded: seed)
            object["seed"] = .integer(Int(value == .max ? value - 1 : value))
        }
        if let reasoningBudget { object["reasoning_budget_tokens"] = .integer(reasoningBudget) }
        return object
    }
}

public import SluiceCore

/// Encodes an ``EmbeddingRequest`` for an OpenAI-compatible upstream's `/embeddings`, asking for
/// floats whatever the client asked: Sluice re-encodes them for the client.
public enum OpenAIEmbeddingRequestEncoder {
    public static func encode(_ request: EmbeddingRequest) -> JSONValue {
        let inputs = request.inputs.map { input -> JSONValue in
            switch input {
            case .text(let text): .string(text)
            case .tokens(let tokens): .array(tokens.map(JSONValue.integer))
            }
        }
        var body: JSONObject = ["model": .string(request.model), "input": .array(inputs), "encoding_format": "float"]
        if let dimensions = request.dimensions { body["dimensions"] = .integer(dimensions) }
        if let user = request.user { body["user"] = .string(user) }
        return .object(body)
    }
}

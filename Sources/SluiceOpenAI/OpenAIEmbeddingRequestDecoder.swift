public import SluiceCore

/// Decodes an OpenAI `/v1/embeddings` request body into the canonical ``EmbeddingRequest``.
///
/// ```swift
/// let (request, format) = try OpenAIEmbeddingRequestDecoder.decode(try JSONParser.parse(body))
/// ```
/// `input` takes OpenAI's four shapes: a string, an array of strings, an array of token IDs (one
/// input) or an array of such arrays. Errors name the field (`input[2]: must not be empty`), as
/// OpenAI refuses empty inputs and mixed arrays.
public enum OpenAIEmbeddingRequestDecoder {
    /// OpenAI's limit on the inputs of one request.
    public static let maxInputs = 2048

    public static func decode(_ body: JSONValue) throws(SluiceError) -> (request: EmbeddingRequest, format: OpenAIEmbeddingFormat) {
        let root = JSONCursor(root: body)
        _ = try root.object()
        let model = try root.required("model").string()
        var request = EmbeddingRequest(model: model, inputs: try decodeInputs(root.required("input")))
        request.dimensions = try root.optional("dimensions")?.int(atLeast: 1)
        request.user = try root.optional("user")?.string()
        var format = OpenAIEmbeddingFormat.float
        if let cursor = try root.optional("encoding_format") {
            guard let named = OpenAIEmbeddingFormat(rawValue: try cursor.string()) else {
                throw .invalidField(cursor.path, "must be 'float' or 'base64'")
            }
            format = named
        }
        return (request, format)
    }

    private static func decodeInputs(_ cursor: JSONCursor) throws(SluiceError) -> [EmbeddingRequest.Input] {
        switch cursor.value {
        case .string:
            return [try text(cursor)]
        case .array(let elements):
            guard let first = elements.first else { throw .invalidField(cursor.path, "must not be empty") }
            if case .number = first { return [try tokens(cursor)] }
            guard elements.count <= maxInputs else {
                throw .invalidField(cursor.path, "at most \(maxInputs) inputs are allowed, got \(elements.count)")
            }
            var inputs: [EmbeddingRequest.Input] = []
            inputs.reserveCapacity(elements.count)
            // The first element decides the shape; a mixed array fails on the first odd element.
            let texts = first.stringValue != nil
            for element in try cursor.array() {
                inputs.append(texts ? try text(element) : try tokens(element))
            }
            return inputs
        default:
            throw cursor.mismatch("a string, an array of strings, an array of token IDs or an array of token-ID arrays")
        }
    }

    private static func text(_ cursor: JSONCursor) throws(SluiceError) -> EmbeddingRequest.Input {
        let text = try cursor.string()
        guard !text.isEmpty else { throw .invalidField(cursor.path, "must not be empty") }
        return .text(text)
    }

    private static func tokens(_ cursor: JSONCursor) throws(SluiceError) -> EmbeddingRequest.Input {
        guard case .array(let elements) = cursor.value else { throw cursor.mismatch("an array of token IDs") }
        guard !elements.isEmpty else { throw .invalidField(cursor.path, "must not be empty") }
        var tokens: [Int] = []
        tokens.reserveCapacity(elements.count)
        for element in try cursor.array() { tokens.append(try element.int(atLeast: 0)) }
        return .tokens(tokens)
    }
}

public import SluiceCore

/// Decodes an OpenAI-compatible upstream's `/embeddings` answer (float vectors) into an
/// ``EmbeddingResult`` in the inputs' order. Anything that does not give exactly one finite
/// vector per input is an upstream failure, never a partial answer.
public enum OpenAIEmbeddingResponseDecoder {
    public static func decode(_ body: JSONValue, inputCount: Int, model: String) throws(SluiceError) -> EmbeddingResult {
        let root = JSONCursor(root: body)
        var vectors = [[Float]?](repeating: nil, count: inputCount)
        do throws(SluiceError) {
            let items = try root.required("data").array()
            guard items.count == inputCount else { throw malformed("\(items.count) embeddings for \(inputCount) inputs") }
            for item in items {
                let index = try item.required("index").int()
                guard vectors.indices.contains(index), vectors[index] == nil else { throw malformed("index \(index) is out of order") }
                var vector: [Float] = []
                for value in try item.required("embedding").array() {
                    guard case .number(let literal) = value.value, let number = Float(literal), number.isFinite else {
                        throw malformed("\(value.path) is not a finite number")
                    }
                    vector.append(number)
                }
                vectors[index] = vector
            }
            let usage = try root.optional("usage")
            return EmbeddingResult(
                model: try root.optional("model")?.string() ?? model, vectors: vectors.compactMap { $0 },
                inputTokens: try usage?.optional("prompt_tokens")?.int() ?? 0)
        } catch {
            throw error.category == .upstreamFailed ? error : malformed(error.message)
        }
    }

    private static func malformed(_ detail: String) -> SluiceError {
        .upstreamFailed("malformed embeddings response: \(detail)")
    }
}

internal import Foundation
public import SluiceCore

/// Encodes an ``EmbeddingResult`` as OpenAI's `/v1/embeddings` answer:
/// `{"object":"list","data":[{"object":"embedding","index":0,"embedding":…}],"model":…,"usage":{…}}`.
public enum OpenAIEmbeddingResponseEncoder {
    public static func encode(_ result: EmbeddingResult, format: OpenAIEmbeddingFormat) -> JSONValue {
        let data = result.vectors.enumerated().map { index, vector -> JSONValue in
            ["object": "embedding", "index": .integer(index), "embedding": embedding(vector, format: format)]
        }
        return [
            "object": "list", "data": .array(data), "model": .string(result.model),
            "usage": ["prompt_tokens": .integer(result.inputTokens), "total_tokens": .integer(result.inputTokens)],
        ]
    }

    private static func embedding(_ vector: [Float], format: OpenAIEmbeddingFormat) -> JSONValue {
        switch format {
        case .float:
            // Float's own shortest form ("0.1", not Double's "0.10000000149011612"); backends never
            // hand out non-finite values, and JSON could not carry them.
            return .array(vector.map { $0.isFinite ? .number($0.description) : .null })
        case .base64:
            var bytes = Data(capacity: vector.count * 4)
            for value in vector {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            }
            return .string(bytes.base64EncodedString())
        }
    }
}

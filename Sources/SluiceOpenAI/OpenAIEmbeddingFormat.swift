/// How `/v1/embeddings` sends vectors back (`encoding_format`).
public enum OpenAIEmbeddingFormat: String, Sendable, Hashable {
    /// JSON arrays of numbers, the default.
    case float
    /// Each vector's float32 values, little-endian, in one base64 string: a quarter of the size.
    /// The OpenAI SDKs ask for this unless told otherwise.
    case base64
}

internal import CLlama
public import Logging
public import SluiceCore

/// A backend that embeds texts with a GGUF embedding model on this machine, through llama.cpp
/// (`type: llama` with `embeddings: true`).
///
/// ```swift
/// let backend = try LlamaEmbeddingBackend(name: "embed", configuration: .init(modelPath: "bge.gguf"), logger: logger)
/// let result = try await backend.embed(EmbeddingRequest(model: "bge", inputs: [.text("hello")]))
/// ```
///
/// Vectors are pooled as the model says (mean, CLS or last token) and normalised to unit length,
/// as OpenAI and llama-server return them. The inputs of a request, and of concurrent requests,
/// share batches. The model's vectors have one length: `dimensions` may only repeat it, since
/// shortening the vectors of a model not trained for it gives meaningless ones.
public final class LlamaEmbeddingBackend: EmbeddingBackend {
    public struct Configuration: Sendable, Hashable {
        public var modelPath: String
        /// The longest input in tokens, and the most tokens one batch takes; `nil` takes the
        /// model's training length, capped at 2048.
        public var contextLength: Int?
        /// The most inputs one batch takes.
        public var parallel: Int
        /// CPU threads; `nil` uses every core.
        public var threads: Int?
        /// Where the model's layers go (`gpu_layers`, `main_gpu`, `tensor_split`); an embedding
        /// context keeps no KV cache between batches, so the cache settings do not apply.
        public var devices: LlamaDeviceSettings

        public init(
            modelPath: String, contextLength: Int? = nil, parallel: Int = 16, threads: Int? = nil,
            devices: LlamaDeviceSettings = LlamaDeviceSettings()
        ) {
            self.devices = devices
            self.modelPath = modelPath
            self.contextLength = contextLength
            self.parallel = parallel
            self.threads = threads
        }
    }

    public let name: String
    private let embedder: LlamaEmbedder

    /// Loads the model and creates its pooling context.
    ///
    /// - Throws: ``LlamaError`` naming the file when it is missing, not a usable GGUF model, or
    ///   a model without a pooling type (a chat model).
    public init(name: String, configuration: Configuration, logger: Logger) throws(LlamaError) {
        self.name = name
        embedder = try LlamaEmbedder(
            modelPath: configuration.modelPath, contextLength: configuration.contextLength, sequences: configuration.parallel,
            threads: configuration.threads, devices: configuration.devices, logger: logger)
        logger.info(
            "embedding model loaded",
            metadata: [
                "backend": "\(name)", "model": "\(configuration.modelPath)", "dimensions": "\(embedder.dimensions)",
                "max_input_tokens": "\(embedder.maxInputTokens)",
            ])
    }

    /// The length of every vector.
    public var dimensions: Int { embedder.dimensions }

    /// The most tokens one input may have.
    public var maxInputTokens: Int { embedder.maxInputTokens }

    /// Inputs embedded (`promptTokensEvaluated`), batches decoded (`decodeCalls`), requests answered.
    public var statistics: LlamaStatistics { embedder.snapshot }

    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResult {
        if let dimensions = request.dimensions, dimensions != embedder.dimensions {
            throw SluiceError.invalidField(
                "dimensions", "this model's vectors have \(embedder.dimensions) dimensions and cannot be shortened")
        }
        var inputs: [[llama_token]] = []
        inputs.reserveCapacity(request.inputs.count)
        for (index, input) in request.inputs.enumerated() {
            let path = request.inputs.count == 1 ? "input" : "input[\(index)]"
            let tokens = try tokens(of: input, path: path)
            guard tokens.count <= embedder.maxInputTokens else {
                throw SluiceError(
                    .invalidRequest, "\(path) is too long: \(tokens.count) tokens > \(embedder.maxInputTokens) maximum",
                    code: "context_length_exceeded", param: path)
            }
            inputs.append(tokens)
        }
        do throws(LlamaError) {
            let vectors = try await embedder.embed(inputs)
            return EmbeddingResult(model: request.model, vectors: vectors, inputTokens: inputs.reduce(0) { $0 + $1.count })
        } catch {
            throw error.isCancellation ? CancellationError() : error.sluiceError
        }
    }

    /// An embedding model does not chat.
    public func start(_ request: ChatRequest) async throws -> EventStream {
        throw chatRefusal
    }

    public func countTokens(_ request: ChatRequest) async throws -> Int {
        throw chatRefusal
    }

    private var chatRefusal: SluiceError {
        SluiceError(
            .invalidRequest, "model is served by backend '\(name)', an embedding model: use /v1/embeddings",
            code: "model_not_supported", param: "model")
    }

    /// Text as llama-server tokenizes it for embeddings: with the model's BOS/EOS (or CLS/SEP),
    /// never parsing control-token text; token IDs as given, once checked against the vocabulary.
    private func tokens(of input: EmbeddingRequest.Input, path: String) throws(SluiceError) -> [llama_token] {
        switch input {
        case .text(let text):
            let tokens = embedder.model.tokenize(text, special: false, addSpecial: true)
            guard !tokens.isEmpty else { throw .invalidField(path, "is empty once tokenized") }
            return tokens
        case .tokens(let ids):
            let vocabulary = 0..<embedder.vocabularySize
            guard let outside = ids.first(where: { !vocabulary.contains($0) }) else { return ids.map { llama_token($0) } }
            throw .invalidField(path, "token ID \(outside) is not in this model's vocabulary of \(embedder.vocabularySize)")
        }
    }
}

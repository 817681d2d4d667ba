internal import CLlama

/// A llama.cpp context that pools each sequence of a batch into one vector (the model's own
/// pooling: mean, CLS or last token), for embedding models. Freed in `deinit`.
///
/// A batch holds whole inputs only: models with non-causal attention (BERT and its kin) must see
/// a sequence in one micro-batch, so `n_batch`, `n_ubatch` and the context are all one size, the
/// longest input. The memory is cleared before every batch: embeddings keep no state.
///
/// Not `Sendable`: it lives on the embedding thread, which makes every call on it.
final class LlamaEmbeddingContext {
    let model: LlamaModel
    private let pointer: OpaquePointer
    private let threadPool: OpaquePointer?
    private var batch: llama_batch
    /// The most tokens one batch takes, and so the longest input.
    let batchCapacity: Int
    /// The most inputs one batch takes.
    let sequenceCount: Int
    /// The length of every vector.
    let dimensions: Int
    let vocabularySize: Int

    init(model: LlamaModel, contextLength: Int, sequences: Int, threads: Int) throws(LlamaError) {
        var parameters = llama_context_default_params()
        parameters.n_ctx = UInt32(contextLength)
        parameters.n_batch = UInt32(contextLength)
        parameters.n_ubatch = UInt32(contextLength)
        parameters.n_seq_max = UInt32(sequences)
        parameters.n_threads = Int32(threads)
        parameters.n_threads_batch = Int32(threads)
        parameters.embeddings = true
        parameters.kv_unified = true
        guard let context = llama_init_from_model(model.pointer, parameters) else {
            throw .contextFailed(model.path, context: contextLength, parallel: sequences)
        }
        let pooling = llama_pooling_type(context)
        guard [LLAMA_POOLING_TYPE_MEAN, LLAMA_POOLING_TYPE_CLS, LLAMA_POOLING_TYPE_LAST].contains(pooling) else {
            llama_free(context)
            throw .poolingUnsupported(model.path, pooling: Int(pooling.rawValue))
        }
        self.pointer = context
        self.model = model
        self.batchCapacity = Int(llama_n_batch(context))
        self.sequenceCount = Int(llama_n_seq_max(context))
        self.dimensions = Int(llama_model_n_embd_out(model.pointer))
        self.vocabularySize = Int(llama_vocab_n_tokens(model.vocab))
        self.batch = llama_batch_init(Int32(batchCapacity), 0, 1)
        self.threadPool = sluice_threadpool_attach(context, Int32(threads))
    }

    deinit {
        llama_batch_free(batch)
        llama_free(pointer)
        sluice_threadpool_free(threadPool)
    }

    /// One unit-length vector per input, all decoded in one batch.
    ///
    /// The caller keeps within ``batchCapacity`` tokens, ``sequenceCount`` inputs and the
    /// vocabulary (llama.cpp aborts the process on a batch too large).
    func embed(_ inputs: [[llama_token]]) throws(LlamaError) -> [[Float]] {
        precondition(inputs.count <= sequenceCount && inputs.reduce(0) { $0 + $1.count } <= batchCapacity, "batch overflow")
        if let memory = llama_get_memory(pointer) { llama_memory_clear(memory, true) }
        var count = 0
        for (sequence, tokens) in inputs.enumerated() {
            for (position, token) in tokens.enumerated() {
                batch.token[count] = token
                batch.pos[count] = llama_pos(position)
                batch.n_seq_id[count] = 1
                batch.seq_id[count]![0] = llama_seq_id(sequence)
                // Pooling reads every token's output.
                batch.logits[count] = 1
                count += 1
            }
        }
        batch.n_tokens = Int32(count)
        let status = llama_decode(pointer, batch)
        guard status == 0 else { throw .decodeFailed(status) }
        var vectors: [[Float]] = []
        vectors.reserveCapacity(inputs.count)
        for sequence in inputs.indices {
            guard let pooled = llama_get_embeddings_seq(pointer, llama_seq_id(sequence)) else {
                throw .embeddingFailed("llama.cpp pooled no vector for a sequence")
            }
            vectors.append(try Self.normalized(UnsafeBufferPointer(start: pooled, count: dimensions)))
        }
        return vectors
    }

    /// `values` scaled to unit Euclidean length, as OpenAI and llama-server return embeddings.
    private static func normalized(_ values: UnsafeBufferPointer<Float>) throws(LlamaError) -> [Float] {
        var sum = 0.0
        for value in values { sum += Double(value) * Double(value) }
        let norm = sum.squareRoot()
        guard norm.isFinite, norm > 0 else { throw .embeddingFailed("the model produced a zero or non-finite vector") }
        return values.map { Float(Double($0) / norm) }
    }
}

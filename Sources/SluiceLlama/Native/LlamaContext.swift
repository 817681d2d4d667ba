internal import CLlama

/// A llama.cpp context over a model: the KV cache shared by every sequence (`kv_unified`, so any
/// sequence may use the whole context and prefixes can be shared between sequences), and the
/// one batch each decode step fills. Freed in `deinit`.
///
/// Not `Sendable`: it lives on the engine's thread, which makes every call on it.
final class LlamaContext {
    let pointer: OpaquePointer
    let model: LlamaModel
    private let memory: OpaquePointer
    /// The CPU threads decoding runs on, kept for the context's life as llama-server keeps them.
    private let threadPool: OpaquePointer?
    private var batch: llama_batch
    /// The most tokens one decode may take (`n_batch`): llama.cpp aborts on a larger batch.
    let batchCapacity: Int
    /// Positions each sequence may use.
    let contextLength: Int
    let sequenceCount: Int
    private(set) var batchCount = 0

    init(
        model: LlamaModel, contextLength: Int, sequences: Int, threads: Int, batchSize: Int,
        flashAttention: llama_flash_attn_type, cacheTypes: (k: ggml_type, v: ggml_type)
    ) throws(LlamaError) {
        var parameters = llama_context_default_params()
        parameters.flash_attn_type = flashAttention
        parameters.type_k = cacheTypes.k
        parameters.type_v = cacheTypes.v
        parameters.n_ctx = UInt32(contextLength)
        parameters.n_batch = UInt32(batchSize)
        parameters.n_ubatch = UInt32(min(batchSize, 512))
        parameters.n_seq_max = UInt32(sequences)
        parameters.n_threads = Int32(threads)
        parameters.n_threads_batch = Int32(threads)
        parameters.kv_unified = true
        guard let context = llama_init_from_model(model.pointer, parameters), let memory = llama_get_memory(context) else {
            throw .contextFailed(model.path, context: contextLength, parallel: sequences)
        }
        self.pointer = context
        self.model = model
        self.memory = memory
        self.batchCapacity = Int(llama_n_batch(context))
        self.contextLength = Int(llama_n_ctx_seq(context))
        self.sequenceCount = sequences
        self.batch = llama_batch_init(Int32(batchCapacity), 0, 1)
        self.threadPool = sluice_threadpool_attach(context, Int32(threads))
    }

    deinit {
        llama_batch_free(batch)
        llama_free(pointer)
        sluice_threadpool_free(threadPool)
    }

    // MARK: - The batch

    func clearBatch() {
        batchCount = 0
        batch.n_tokens = 0
    }

    /// Adds a token to the batch; returns its index there (where its logits are, when asked for).
    @discardableResult
    func add(_ token: llama_token, position: Int, sequence: Int32, logits: Bool) -> Int32 {
        precondition(batchCount < batchCapacity, "batch overflow")
        let index = batchCount
        batch.token[index] = token
        batch.pos[index] = llama_pos(position)
        batch.n_seq_id[index] = 1
        batch.seq_id[index]![0] = sequence
        batch.logits[index] = logits ? 1 : 0
        batchCount += 1
        batch.n_tokens = Int32(batchCount)
        return Int32(index)
    }

    /// Marks the last batch entry as wanting logits.
    func requestLogitsForLast() {
        if batchCount > 0 { batch.logits[batchCount - 1] = 1 }
    }

    /// Evaluates the batch: 0 on success, 1 when the KV cache has no room (nothing changed), other
    /// values on failure.
    func decode() -> Int32 {
        llama_decode(pointer, batch)
    }

    // MARK: - The KV cache

    /// Forgets `sequence`'s tokens from position `start` on; `false` if the cache cannot cut there.
    @discardableResult
    func removeTokens(of sequence: Int32, from start: Int) -> Bool {
        llama_memory_seq_rm(memory, sequence, llama_pos(start), -1)
    }

    /// Makes `target` share `source`'s first `count` positions (no copy with a unified cache).
    func share(from source: Int32, to target: Int32, count: Int) {
        llama_memory_seq_cp(memory, source, target, 0, llama_pos(count))
    }

    /// A copy of `sequence`'s cache in host memory, for restoring it later.
    func saveState(of sequence: Int32) -> [UInt8]? {
        let size = llama_state_seq_get_size_ext(pointer, sequence, 0)
        guard size > 0 else { return nil }
        var data = [UInt8](repeating: 0, count: size)
        let written = data.withUnsafeMutableBufferPointer { llama_state_seq_get_data_ext(pointer, $0.baseAddress, size, sequence, 0) }
        return written == size ? data : nil
    }

    /// Puts a saved cache back as `sequence`'s (replacing what it held); `false` if it did not fit.
    func restoreState(_ data: [UInt8], into sequence: Int32) -> Bool {
        let read = data.withUnsafeBufferPointer { llama_state_seq_set_data_ext(pointer, $0.baseAddress, data.count, sequence, 0) }
        return read == data.count
    }
}

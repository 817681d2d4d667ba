internal import CoreMetrics

/// The engine's metrics through swift-metrics, labelled by backend: they reach whatever metrics
/// system the process bootstrapped (Prometheus on `/metrics`), or the factory a test passes in.
///
/// - `sluice_llama_prompt_tokens_evaluated_total`, `sluice_llama_prompt_tokens_reused_total`:
///   prompt tokens run through the model versus found in the KV cache;
/// - `sluice_llama_generated_tokens_total` and `sluice_llama_generation_seconds_total`: their
///   ratio is the generation speed (all streams together);
/// - `sluice_llama_decode_calls_total`: `llama_decode` calls; generated tokens per call is how
///   many streams each step served together;
/// - `sluice_llama_queue_depth`, `sluice_llama_busy_sequences`: requests waiting, sequences working;
/// - `sluice_llama_device_memory_used_bytes` and `…_total_bytes`, by GPU (none on a CPU-only host).
struct LlamaMetrics: Sendable {
    let promptTokensEvaluated: Counter
    let promptTokensReused: Counter
    let generatedTokens: Counter
    let generationSeconds: FloatingPointCounter
    let decodeCalls: Counter
    let queueDepth: Gauge
    let busySequences: Gauge
    private let backend: String
    private let factory: any MetricsFactory

    init(backend: String, factory: any MetricsFactory) {
        self.backend = backend
        self.factory = factory
        let dimensions = [("backend", backend)]
        promptTokensEvaluated = Counter(label: "sluice_llama_prompt_tokens_evaluated_total", dimensions: dimensions, factory: factory)
        promptTokensReused = Counter(label: "sluice_llama_prompt_tokens_reused_total", dimensions: dimensions, factory: factory)
        generatedTokens = Counter(label: "sluice_llama_generated_tokens_total", dimensions: dimensions, factory: factory)
        generationSeconds = FloatingPointCounter(
            label: "sluice_llama_generation_seconds_total", dimensions: dimensions, factory: factory)
        decodeCalls = Counter(label: "sluice_llama_decode_calls_total", dimensions: dimensions, factory: factory)
        queueDepth = Gauge(label: "sluice_llama_queue_depth", dimensions: dimensions, factory: factory)
        busySequences = Gauge(label: "sluice_llama_busy_sequences", dimensions: dimensions, factory: factory)
    }

    /// The GPUs' memory now: in use by every process on it, and its size.
    func recordMemory(of gpus: [LlamaDevices.GPU]) {
        for gpu in gpus {
            let dimensions = [("backend", backend), ("device", gpu.name)]
            Gauge(label: "sluice_llama_device_memory_used_bytes", dimensions: dimensions, factory: factory).record(gpu.usedBytes)
            Gauge(label: "sluice_llama_device_memory_total_bytes", dimensions: dimensions, factory: factory).record(gpu.totalBytes)
        }
    }
}

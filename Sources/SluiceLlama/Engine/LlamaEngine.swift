internal import CLlama
internal import Foundation
internal import CoreMetrics
internal import Logging
internal import SluiceCore
internal import Synchronization

/// The embedded engine: a model, its context and the one thread that runs every decode.
///
/// Requests are rendered and tokenized by their own tasks, then handed to the decode thread
/// through an inbox; it answers each through the request's mailbox. The thread starts with the
/// first request and stops when the engine is released.
final class LlamaEngine: Sendable {
    struct Configuration: Sendable, Hashable {
        var modelPath: String
        /// Tokens of KV cache shared by every sequence; `nil` takes the model's training length, capped at 16384.
        var contextLength: Int?
        /// Sequences decoded together (concurrent requests); later ones queue.
        var parallel: Int = 4
        /// CPU threads; `nil` uses every core.
        var threads: Int?
        /// Most tokens per decode call (`n_batch`).
        var batchSize: Int = 2048
        /// Host memory for the caches of conversations no sequence holds (llama-server's `--cache-ram`).
        var promptCacheBytes: Int = 8 << 30
        /// GPU layers, flash attention and the KV cache's format.
        var devices = LlamaDeviceSettings()
    }

    let model: LlamaModel
    let template: ChatTemplate
    /// Positions one sequence may use: the longest prompt plus answer.
    let contextLength: Int
    /// The GPUs llama.cpp found, and how many of the model's layers went onto them.
    let gpus: [LlamaDevices.GPU]
    let layersOnGPUs: Int
    private let inbox = ThreadInbox<EngineCommand<GenerationJob>>()
    private let statistics: StatisticsBox
    /// The decode loop, until the first request starts its thread.
    private let pendingLoop: Mutex<DecodeLoop?>
    private let nextJobID = Atomic<UInt64>(1)

    init(
        configuration: Configuration, logger: Logger, metrics: LlamaMetrics? = nil, progress: (@Sendable (Double) -> Void)? = nil
    ) throws(LlamaError) {
        let devices = configuration.devices
        if devices.cacheTypeV != .f16, devices.flashAttention == .off {
            throw .devicesInvalid("a quantized V cache (cache_type_v: \(devices.cacheTypeV.rawValue)) needs flash attention")
        }
        let gpus = LlamaDevices.gpus()
        let placement = try LlamaDevices.modelParameters(devices, gpuCount: gpus.count)
        let model = try LlamaModel(path: configuration.modelPath, devices: placement, progress: progress)
        let requested = configuration.contextLength ?? min(model.trainedContextLength, 16384)
        let parallel = max(1, min(configuration.parallel, 256))
        let context = try LlamaContext(
            model: model, contextLength: max(requested, 16), sequences: parallel,
            threads: configuration.threads ?? ProcessInfo.processInfo.activeProcessorCount,
            batchSize: max(configuration.batchSize, 1), flashAttention: LlamaDevices.flashAttention(devices.flashAttention),
            cacheTypes: (LlamaDevices.cacheType(devices.cacheTypeK), LlamaDevices.cacheType(devices.cacheTypeV)))
        self.gpus = gpus
        self.layersOnGPUs = placement.gpuLayers < 0 ? model.offloadableLayers : min(Int(placement.gpuLayers), model.offloadableLayers)
        self.model = model
        self.template = try ChatTemplate(model: model)
        self.contextLength = context.contextLength
        self.statistics = StatisticsBox(sequences: parallel)
        let metrics = metrics ?? LlamaMetrics(backend: "llama", factory: MetricsSystem.factory)
        // With the weights and the KV cache allocated.
        if !gpus.isEmpty { metrics.recordMemory(of: LlamaDevices.gpus()) }
        self.pendingLoop = Mutex(
            DecodeLoop(
                context: context, inbox: inbox, statistics: statistics, metrics: metrics,
                promptCacheBytes: configuration.promptCacheBytes, recordsDeviceMemory: !gpus.isEmpty, logger: logger))
    }

    deinit {
        inbox.stop()
    }

    var snapshot: LlamaStatistics { statistics.snapshot }

    func makeJobID() -> GenerationJob.ID {
        nextJobID.add(1, ordering: .relaxed).oldValue
    }

    func submit(_ job: GenerationJob) {
        startThreadIfNeeded()
        inbox.post(.submit(job))
    }

    /// Stops a request; its sequence is free from the next decode step on.
    func cancel(_ id: GenerationJob.ID) {
        inbox.post(.cancel(id))
    }

    private func startThreadIfNeeded() {
        guard
            let loop = pendingLoop.withLock({ loop in
                defer { loop = nil }; return loop
            })
        else { return }
        let thread = Thread { loop.run() }
        thread.name = "sluice-llama-decode"
        thread.stackSize = 16 << 20
        thread.start()
    }
}

internal import CLlama
public import CoreMetrics
internal import Foundation
public import Logging
public import SluiceCore

/// A backend that answers with a GGUF model on this machine, through llama.cpp.
///
/// ```swift
/// let backend = try LlamaBackend(name: "local", configuration: .init(modelPath: "model.gguf"), logger: logger)
/// ```
///
/// Prompts are rendered with the model's own chat template (tools, tool results and thinking
/// included) and counted exactly; several requests share each decode step; a request whose prompt
/// starts like one already in the cache evaluates only the rest, and says so in
/// `cache_read_input_tokens`.
public final class LlamaBackend: Backend {
    public struct Configuration: Sendable, Hashable {
        public var modelPath: String
        /// Tokens of KV cache, shared by the sequences (a unified cache, as llama-server's `-kvu`):
        /// one request's prompt and answer may use all of them. `nil` takes the model's training
        /// length, capped at 16384.
        public var contextLength: Int?
        /// Requests decoded together; more wait in a queue.
        public var parallel: Int
        /// CPU threads; `nil` uses every core.
        public var threads: Int?
        /// Most tokens per decode call.
        public var batchSize: Int
        /// Caps a request's `max_tokens` (Claude Code asks for 32000 or more); `nil` keeps the client's.
        public var maxOutputTokens: Int?
        /// GPU layers, flash attention and the KV cache's format.
        public var devices: LlamaDeviceSettings

        public init(
            modelPath: String, contextLength: Int? = nil, parallel: Int = 4, threads: Int? = nil, batchSize: Int = 2048,
            maxOutputTokens: Int? = nil, devices: LlamaDeviceSettings = LlamaDeviceSettings()
        ) {
            self.devices = devices
            self.modelPath = modelPath
            self.contextLength = contextLength
            self.parallel = parallel
            self.threads = threads
            self.batchSize = batchSize
            self.maxOutputTokens = maxOutputTokens
        }
    }

    public let name: String
    private let engine: LlamaEngine
    private let maxOutputTokens: Int

    /// Loads the model (showing progress on the terminal) and creates the context.
    ///
    /// - Parameter metricsFactory: where the engine's metrics go; `nil` uses the bootstrapped `MetricsSystem`.
    /// - Throws: ``LlamaError`` naming the file when it is missing or not a usable GGUF model.
    public init(
        name: String, configuration: Configuration, logger: Logger, metricsFactory: (any MetricsFactory)? = nil
    ) throws(LlamaError) {
        self.name = name
        maxOutputTokens = configuration.maxOutputTokens ?? .max
        let started = ContinuousClock.now
        let progress = LoadProgress(path: configuration.modelPath)
        engine = try LlamaEngine(
            configuration: LlamaEngine.Configuration(
                modelPath: configuration.modelPath, contextLength: configuration.contextLength,
                parallel: configuration.parallel, threads: configuration.threads, batchSize: configuration.batchSize,
                devices: configuration.devices),
            logger: logger, metrics: LlamaMetrics(backend: name, factory: metricsFactory ?? MetricsSystem.factory),
            progress: progress.report)
        progress.done()
        logger.info(
            "model loaded",
            metadata: [
                "backend": "\(name)", "model": "\(configuration.modelPath)", "context": "\(engine.contextLength)",
                "parallel": "\(engine.snapshot.sequences)", "seconds": "\(started.duration(to: .now))",
                "gpu_layers": "\(engine.layersOnGPUs)", "layers": "\(engine.model.offloadableLayers)",
            ])
        if engine.gpus.isEmpty {
            if (configuration.devices.gpuLayers ?? 0) > 0 {
                logger.warning(
                    "gpu_layers asks for GPU layers, but llama.cpp found no GPU (a CPU build, or no driver): running on the CPU",
                    metadata: ["backend": "\(name)"])
            }
        } else {
            for gpu in engine.gpus {
                logger.info(
                    "GPU found",
                    metadata: [
                        "backend": "\(name)", "index": "\(gpu.index)", "device": "\(gpu.name)", "description": "\(gpu.description)",
                        "memory_used_mib": "\(gpu.usedBytes >> 20)", "memory_total_mib": "\(gpu.totalBytes >> 20)",
                    ])
            }
        }
    }

    /// The GPU layers the engine placed, of the model's layers (output layer included).
    public var layersOnGPUs: (placed: Int, of: Int) { (engine.layersOnGPUs, engine.model.offloadableLayers) }

    /// The engine's counters (prompt tokens evaluated and reused, generation speed, queue).
    public var statistics: LlamaStatistics { engine.snapshot }

    /// Tokens one request's prompt and answer may use together.
    public var contextLength: Int { engine.contextLength }

    public func start(_ request: ChatRequest) async throws -> EventStream {
        let structured = try StructuredOutput.make(for: request)
        let request = structured?.constrain(request) ?? request
        let prepared: LlamaEngine.PreparedPrompt
        let sampler: TokenSampler
        let parser: ChatOutputParser?
        do {
            prepared = try engine.prepare(request)
            guard prepared.tokens.count < engine.contextLength else {
                throw SluiceError.promptTooLong(tokens: prepared.tokens.count, maximum: engine.contextLength - 1)
            }
            sampler = try TokenSampler(
                model: engine.model, parameters: SamplingParameters(request), prompt: prepared.rendered, grammar: structured?.grammar)
            parser = prepared.rendered.needsParsing ? try ChatOutputParser(parameters: prepared.rendered.parserParameters) : nil
        } catch let error as LlamaError {
            throw error.sluiceError
        }
        let rendered = prepared.rendered
        let stops =
            request.stopSequences.map { StopSequenceMatcher.Stop(text: $0, isClientStop: true) }
            + rendered.additionalStops.map { StopSequenceMatcher.Stop(text: $0, isClientStop: false) }
        let preserved = engine.model.controlTokens(in: rendered.preservedTokens)
        let job = GenerationJob(
            id: engine.makeJobID(), promptTokens: prepared.tokens, sampler: sampler,
            maxTokens: max(1, min(request.maxTokens ?? .max, maxOutputTokens)),
            stops: stops, preservedTokens: preserved, mailbox: JobMailbox())
        let stream = ResponseStream.make(engine: engine, job: job, parser: parser, model: request.model)
        engine.submit(job)
        return stream
    }

    /// Exact: the prompt as this model's template renders it, in this model's tokens.
    public func countTokens(_ request: ChatRequest) async throws -> Int {
        let request = try StructuredOutput.make(for: request)?.constrain(request) ?? request
        do {
            return try engine.prepare(request).tokens.count
        } catch {
            throw error.sluiceError
        }
    }
}

/// Shows model loading on the terminal: a progress line that rewrites itself when stderr is a
/// terminal, one line at the end otherwise.
private final class LoadProgress: Sendable {
    private let path: String
    private let interactive = isatty(STDERR_FILENO) != 0

    init(path: String) {
        self.path = path
    }

    var report: @Sendable (Double) -> Void {
        { [self] fraction in
            guard interactive else { return }
            write("\rloading \(path): \(Int(fraction * 100))%")
        }
    }

    func done() {
        write(interactive ? "\rloading \(path): done\n" : "loaded \(path)\n")
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

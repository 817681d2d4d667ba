import Foundation
import Logging
import SluiceCore
import SluiceLlama
import Synchronization

/// The random-weight GGUF models the tests run on, written by `Tests/integration/make_tiny_gguf.py`.
///
/// They are generated once per version of the script and of the pinned llama.cpp (whose
/// `models/templates` the family models take their templates from) into `$SLUICE_CACHE/tiny-models`
/// (or taken from `SLUICE_TINY_MODELS` when set). The Python comes from `SLUICE_PYTHON`
/// (`scripts/test` points it at the test virtualenv), else `python3`; it needs the `gguf` package.
enum TinyModels {
    enum Template: String, Sendable, CaseIterable {
        /// ChatML with tools.
        case chat
        /// ChatML with tools whose answers open with a `<think>` block.
        case think
        /// The real templates of common families, with their special tokens.
        case llama3
        case mistral
        case gptOSS = "gpt-oss"
        case deepseekR1 = "deepseek-r1"
        case deepseekV31 = "deepseek-v3.1"
        case qwen3
        case qwen3Coder = "qwen3-coder"
        case devstral
        case glm46 = "glm-4.6"
        case glm47 = "glm-4.7"
        case mistralSmall32 = "mistral-small-3.2"
        case ministral3 = "ministral-3"
    }

    static func path(_ template: Template) throws -> String {
        try cache.withLock { cache in
            if let path = cache[template.rawValue] { return path }
            let path = try generate(template.rawValue, arguments: ["--template", template.rawValue])
            cache[template.rawValue] = path
            return path
        }
    }

    /// A chat model whose attention heads are 32 wide, the least a quantized (`q8_0`) KV cache takes.
    static func wideHeadsModelPath() throws -> String {
        try cache.withLock { cache in
            if let path = cache["wide-heads"] { return path }
            let path = try generate("wide-heads", arguments: ["--embd", "128", "--heads", "4", "--kv-heads", "2", "--context", "2048"])
            cache["wide-heads"] = path
            return path
        }
    }

    /// A llama-architecture model with mean pooling: an embedding model of 64 dimensions and 512 tokens.
    static func embeddingModelPath() throws -> String {
        try cache.withLock { cache in
            if let path = cache["embedding"] { return path }
            let path = try generate("embedding", arguments: ["--pooling", "mean", "--context", "512"])
            cache["embedding"] = path
            return path
        }
    }

    /// Backends are shared per configuration: loading is cheap, but each holds threads and memory.
    static func backend(
        _ template: Template = .chat, context: Int = 1024, parallel: Int = 2, batch: Int = 512
    ) throws -> LlamaBackend {
        let key = "\(template.rawValue)-\(context)-\(parallel)-\(batch)"
        return try backends.withLock { backends in
            if let backend = backends[key] { return backend }
            let backend = try LlamaBackend(
                name: "local",
                configuration: .init(
                    modelPath: try path(template), contextLength: context, parallel: parallel, threads: 2, batchSize: batch),
                logger: Logger(label: "test"))
            backends[key] = backend
            return backend
        }
    }

    /// A backend of its own, for tests that read the engine's counters or fill its cache.
    static func freshBackend(
        _ template: Template = .chat, context: Int = 4096, parallel: Int = 2, batch: Int = 512
    ) throws -> LlamaBackend {
        try LlamaBackend(
            name: "local",
            configuration: .init(modelPath: try path(template), contextLength: context, parallel: parallel, threads: 2, batchSize: batch),
            logger: Logger(label: "test"))
    }

    /// Model paths by name: the template's, or `embedding`.
    private static let cache = Mutex<[String: String]>([:])
    private static let backends = Mutex<[String: LlamaBackend]>([:])

    private static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    private static func generate(_ name: String, arguments: [String]) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let directory = environment["SLUICE_TINY_MODELS"] {
            return URL(fileURLWithPath: directory).appendingPathComponent("\(name).gguf").path
        }
        let script = repositoryRoot.appendingPathComponent("Tests/integration/make_tiny_gguf.py")
        // build-llama pins the llama.cpp version, whose templates the family models carry.
        let source = try Data(contentsOf: script) + Data(contentsOf: repositoryRoot.appendingPathComponent("scripts/build-llama"))
        let cacheRoot =
            environment["SLUICE_CACHE"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/sluice")
        let directory = cacheRoot.appendingPathComponent("tiny-models/\(fnv1a(source))")
        let output = directory.appendingPathComponent("\(name).gguf")
        if FileManager.default.fileExists(atPath: output.path) { return output.path }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python(environment), script.path, output.path + ".partial"] + arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TinyModelError(
                "make_tiny_gguf.py failed (status \(process.terminationStatus)); does \(python(environment)) have gguf==0.19.0?")
        }
        try FileManager.default.moveItem(atPath: output.path + ".partial", toPath: output.path)
        return output.path
    }

    /// A stable hash of the generator's inputs, so a changed generator writes new models.
    private static func fnv1a(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    private static func python(_ environment: [String: String]) -> String {
        if let python = environment["SLUICE_PYTHON"] { return python }
        return "python3"
    }
}

struct TinyModelError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

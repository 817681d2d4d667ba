internal import CLlama
internal import Foundation
internal import Synchronization

/// A loaded GGUF model: weights, vocabulary and the special tokens' texts. Freed in `deinit`.
///
/// `@unchecked Sendable`: after loading, the model is only read. llama.cpp documents tokenization
/// as thread-safe, and decoding happens on the engine's thread through a context that keeps this
/// model alive.
final class LlamaModel: @unchecked Sendable {
    let pointer: OpaquePointer
    let vocab: OpaquePointer
    let path: String
    /// The texts of the control and user-defined tokens: what `parse_special` tokenization turns
    /// into single tokens, so what user text must not be allowed to smuggle in.
    let specialTexts: [String]
    /// `specialTexts` by their first byte, for scanning client text in one pass.
    private let specialTextsByFirstByte: [UInt8: [[UInt8]]]

    /// Loads `path` with its layers placed as `devices` asks, reporting progress (0…1) as it goes.
    init(
        path: String, devices: LlamaDevices.ModelParameters = .cpuOnly, progress: (@Sendable (Double) -> Void)? = nil
    ) throws(LlamaError) {
        guard FileManager.default.fileExists(atPath: path) else { throw .modelMissing(path) }
        LlamaLibrary.initialize()
        var parameters = llama_model_default_params()
        parameters.n_gpu_layers = devices.gpuLayers
        parameters.main_gpu = devices.mainGPU
        // llama.cpp reads `llama_max_devices()` shares; it keeps no pointer past loading.
        var split = devices.tensorSplit + Array(repeating: 0, count: max(0, llama_max_devices() - devices.tensorSplit.count))
        let reporter = ProgressReporter(progress)
        parameters.progress_callback = { fraction, userData in
            guard let userData else { return true }
            Unmanaged<ProgressReporter>.fromOpaque(userData).takeUnretainedValue().report(Double(fraction))
            return true
        }
        parameters.progress_callback_user_data = Unmanaged.passUnretained(reporter).toOpaque()
        let loaded = withExtendedLifetime(reporter) {
            split.withUnsafeMutableBufferPointer { shares in
                if !devices.tensorSplit.isEmpty { parameters.tensor_split = UnsafePointer(shares.baseAddress) }
                return llama_model_load_from_file(path, parameters)
            }
        }
        guard let loaded, let vocab = llama_model_get_vocab(loaded) else { throw .modelUnloadable(path) }
        self.pointer = loaded
        self.vocab = vocab
        self.path = path
        self.specialTexts = Self.specialTexts(of: vocab)
        self.specialTextsByFirstByte = Dictionary(grouping: specialTexts.map { Array($0.utf8) }, by: { $0[0] })
    }

    deinit {
        llama_model_free(pointer)
    }

    var trainedContextLength: Int { Int(llama_model_n_ctx_train(pointer)) }

    /// Repeating layers, plus the output layer: what llama.cpp counts when it offloads.
    var offloadableLayers: Int { Int(llama_model_n_layer(pointer)) + 1 }

    var addsBeginningOfSequence: Bool { llama_vocab_get_add_bos(vocab) }

    func isEndOfGeneration(_ token: llama_token) -> Bool { llama_vocab_is_eog(vocab, token) }

    /// Tokens of `text`. `special` lets control-token texts become control tokens (template output
    /// only); `addSpecial` adds the beginning-of-sequence token when the model wants one.
    func tokenize(_ text: String, special: Bool, addSpecial: Bool = false) -> [llama_token] {
        var utf8 = Array(text.utf8)
        let length = Int32(utf8.count)
        var tokens = [llama_token](repeating: 0, count: utf8.count + 2)
        var count = utf8.withUnsafeMutableBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { characters in
                llama_tokenize(vocab, characters.baseAddress, length, &tokens, Int32(tokens.count), addSpecial, special)
            }
        }
        if count < 0 {
            tokens = [llama_token](repeating: 0, count: Int(-count))
            count = utf8.withUnsafeMutableBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { characters in
                    llama_tokenize(vocab, characters.baseAddress, length, &tokens, Int32(tokens.count), addSpecial, special)
                }
            }
        }
        return Array(tokens.prefix(Int(max(count, 0))))
    }

    /// The bytes `token` stands for; control tokens render as their text only when `special`.
    func piece(_ token: llama_token, special: Bool) -> [UInt8] {
        var buffer = [CChar](repeating: 0, count: 64)
        var count = llama_token_to_piece(vocab, token, &buffer, Int32(buffer.count), 0, special)
        if count < 0 {
            buffer = [CChar](repeating: 0, count: Int(-count))
            count = llama_token_to_piece(vocab, token, &buffer, Int32(buffer.count), 0, special)
        }
        return buffer.prefix(Int(max(count, 0))).map { UInt8(bitPattern: $0) }
    }

    /// The control tokens `texts` spell, alone or among other text: a template's preserved tokens
    /// may join several (DeepSeek R1's "```<｜tool▁call▁end｜><｜tool▁calls▁end｜>").
    func controlTokens(in texts: [String]) -> Set<llama_token> {
        Set(
            texts.flatMap { tokenize($0, special: true) }.filter {
                llama_vocab_get_attr(vocab, $0).rawValue & LLAMA_TOKEN_ATTR_CONTROL.rawValue != 0
            })
    }

    /// Whether `text` spells a control or user-defined token somewhere.
    func containsSpecialText(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        for start in bytes.indices {
            guard let candidates = specialTextsByFirstByte[bytes[start]] else { continue }
            for candidate in candidates
            where start + candidate.count <= bytes.count
                && bytes[start..<(start + candidate.count)].elementsEqual(candidate)
            {
                return true
            }
        }
        return false
    }

    private static func specialTexts(of vocab: OpaquePointer) -> [String] {
        let special = LLAMA_TOKEN_ATTR_CONTROL.rawValue | LLAMA_TOKEN_ATTR_USER_DEFINED.rawValue
        var texts: Set<String> = []
        for token in 0..<llama_vocab_n_tokens(vocab) where llama_vocab_get_attr(vocab, token).rawValue & special != 0 {
            if let text = llama_vocab_get_text(vocab, token).map({ String(cString: $0) }), !text.isEmpty {
                texts.insert(text)
            }
        }
        return texts.sorted()
    }
}

/// Carries the progress callback through llama.cpp's `void *`.
private final class ProgressReporter: Sendable {
    private let callback: (@Sendable (Double) -> Void)?

    init(_ callback: (@Sendable (Double) -> Void)?) {
        self.callback = callback
    }

    func report(_ fraction: Double) {
        callback?(fraction)
    }
}

/// Process-wide llama.cpp set-up, done once.
enum LlamaLibrary {
    private static let initialized = Mutex(false)

    static func initialize() {
        initialized.withLock { done in
            guard !done else { return }
            done = true
            // Warnings and errors only, unless SLUICE_LLAMA_LOG says otherwise (debug, info, warn,
            // error): llama.cpp's info lines would flood the server's terminal.
            let levels = [
                "debug": GGML_LOG_LEVEL_DEBUG, "info": GGML_LOG_LEVEL_INFO, "warn": GGML_LOG_LEVEL_WARN, "error": GGML_LOG_LEVEL_ERROR,
            ]
            let level = ProcessInfo.processInfo.environment["SLUICE_LLAMA_LOG"].flatMap { levels[$0] } ?? GGML_LOG_LEVEL_WARN
            sluice_set_log_level(Int32(level.rawValue))
            llama_backend_init()
        }
    }
}

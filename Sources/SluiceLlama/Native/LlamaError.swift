internal import CLlama
public import SluiceCore

/// A failure of the embedded engine or the C libraries under it.
///
/// The description is one line safe for logs (it never holds a prompt); ``sluiceError`` is what a
/// client is told.
public struct LlamaError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case modelMissing
        case modelUnloadable
        case contextFailed
        case templateFailed
        case renderFailed
        case samplerFailed
        case parserFailed
        case decodeFailed
        case imagesUnsupported
        case engineStopped
        case poolingUnsupported
        case embeddingFailed
        case cancelled
        case devicesInvalid
    }

    private let code: Code
    public let description: String

    private init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    static func modelMissing(_ path: String) -> LlamaError {
        LlamaError(.modelMissing, "model file '\(path)' does not exist")
    }

    static func modelUnloadable(_ path: String) -> LlamaError {
        LlamaError(.modelUnloadable, "cannot load model file '\(path)': not a GGUF model llama.cpp can read (see its log above)")
    }

    static func contextFailed(_ path: String, context: Int, parallel: Int) -> LlamaError {
        LlamaError(.contextFailed, "cannot create a context of \(context) tokens for \(parallel) sequences on model '\(path)'")
    }

    static func templateFailed(_ path: String, _ reason: String) -> LlamaError {
        LlamaError(.templateFailed, "the chat template of model '\(path)' cannot be used: \(reason)")
    }

    static func renderFailed(_ reason: String) -> LlamaError {
        LlamaError(.renderFailed, "the chat template rejected the conversation: \(reason)")
    }

    static func samplerFailed(_ reason: String) -> LlamaError {
        LlamaError(.samplerFailed, "cannot set up sampling: \(reason)")
    }

    static func parserFailed(_ reason: String) -> LlamaError {
        LlamaError(.parserFailed, "cannot read the model's output: \(reason)")
    }

    static func decodeFailed(_ status: Int32) -> LlamaError {
        LlamaError(.decodeFailed, "llama_decode failed with status \(status)")
    }

    static let imagesUnsupported = LlamaError(.imagesUnsupported, "the embedded engine reads text only; the request holds images")

    static let engineStopped = LlamaError(.engineStopped, "the embedded engine has stopped")

    static func poolingUnsupported(_ path: String, pooling: Int) -> LlamaError {
        LlamaError(
            .poolingUnsupported,
            "model '\(path)' pools its embeddings with llama.cpp pooling type \(pooling): embeddings need mean, cls or last (an embedding model's GGUF names it)"
        )
    }

    static func embeddingFailed(_ reason: String) -> LlamaError {
        LlamaError(.embeddingFailed, "cannot embed: \(reason)")
    }

    static func devicesInvalid(_ reason: String) -> LlamaError {
        LlamaError(.devicesInvalid, "the GPU settings do not fit this machine: \(reason)")
    }

    /// The caller left before its request was done.
    static let cancelled = LlamaError(.cancelled, "the request was cancelled")

    var isCancellation: Bool { code == .cancelled }

    /// The error in the form clients get.
    public var sluiceError: SluiceError {
        switch code {
        case .renderFailed, .samplerFailed, .imagesUnsupported: .invalidRequest(description)
        case .engineStopped: SluiceError(.overloaded, description)
        default: .internalFailure(description)
        }
    }
}

/// Calls a shim function that reports failure through an `char **error` out-parameter, and turns
/// a NULL result into `failure(message)`. The one place shim errors become Swift errors.
func shimCall<Result>(
    _ failure: (String) -> LlamaError, _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Result?
) throws(LlamaError) -> Result {
    var error: UnsafeMutablePointer<CChar>?
    let result = body(&error)
    defer { sluice_string_free(error) }
    guard let result else {
        throw failure(error.map { String(cString: $0) } ?? "unknown error")
    }
    return result
}

/// Takes ownership of a string the shim allocated.
func takeShimString(_ pointer: UnsafeMutablePointer<CChar>) -> String {
    defer { sluice_string_free(pointer) }
    return String(cString: pointer)
}

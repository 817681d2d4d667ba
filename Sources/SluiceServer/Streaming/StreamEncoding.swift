internal import SluiceAnthropic
internal import SluiceCore
internal import SluiceOpenAI

/// A front's stream encoder: canonical events in, server-sent events out.
protocol StreamEncoding: Sendable {
    mutating func encode(_ event: StreamEvent) -> [ServerSentEvent]
    mutating func fail(_ error: SluiceError) -> [ServerSentEvent]
    /// Sent while the stream is otherwise idle so clients and proxies don't time it out; `nil` for none.
    static var keepAlive: ServerSentEvent? { get }
}

extension AnthropicStreamEncoder: StreamEncoding {
    static var keepAlive: ServerSentEvent? { ping }
}

extension OpenAIStreamEncoder: StreamEncoding {
    static var keepAlive: ServerSentEvent? { nil }
}

extension ResponsesStreamEncoder: StreamEncoding {
    static var keepAlive: ServerSentEvent? { nil }
}

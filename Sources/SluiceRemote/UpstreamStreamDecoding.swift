internal import SluiceAnthropic
internal import SluiceCore
internal import SluiceOpenAI

/// An upstream protocol's stream decoder: its server-sent events in, canonical events out.
protocol UpstreamStreamDecoding: Sendable {
    mutating func decode(_ event: ServerSentEvent) throws(SluiceError) -> [StreamEvent]
    /// Called at the end of the body: the events still owed, or an error if the stream was cut short.
    mutating func finish() throws(SluiceError) -> [StreamEvent]
}

extension OpenAIStreamDecoder: UpstreamStreamDecoding {}
extension AnthropicStreamDecoder: UpstreamStreamDecoding {}
extension ResponsesStreamDecoder: UpstreamStreamDecoding {}

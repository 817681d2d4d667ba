internal import SluiceCore
internal import SluiceCurl

/// Turns an upstream's SSE body into canonical events, pulling from the network only when the
/// consumer asks for the next event: a slow client pauses the transfer instead of filling memory,
/// and dropping the stream drops the body, which aborts the transfer.
struct UpstreamEventStream<Decoder: UpstreamStreamDecoding>: EventBatchProducer {
    private var leading: [StreamEvent]?
    private var body: CurlResponseBody.AsyncIterator
    private var parser = ServerSentEventParser()
    private var decoder: Decoder
    private let call: UpstreamCall
    private var bodyEnded = false

    static func make(leading: [StreamEvent], body: CurlResponseBody, decoder: Decoder, call: UpstreamCall) -> EventStream {
        .pulling(UpstreamEventStream(leading: leading, body: body.makeAsyncIterator(), decoder: decoder, call: call))
    }

    private init(leading: [StreamEvent], body: CurlResponseBody.AsyncIterator, decoder: Decoder, call: UpstreamCall) {
        self.leading = leading
        self.body = body
        self.decoder = decoder
        self.call = call
    }

    mutating func nextBatch() async throws -> [StreamEvent]? {
        if let leading {
            self.leading = nil
            return leading
        }
        guard !bodyEnded else { return nil }
        let chunk: [UInt8]?
        do {
            chunk = try await body.next()
        } catch {
            throw call.transportError(error)
        }
        var events: [StreamEvent] = []
        if let chunk {
            for event in try parser.feed(chunk) { events += try decoder.decode(event) }
            return events
        }
        // The body ended: what the parser and decoder still hold, then nothing more.
        bodyEnded = true
        if let event = parser.finish() { events += try decoder.decode(event) }
        events += try decoder.finish()
        return events
    }
}

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
    /// The replica answering, outstanding until the body ends (or the stream is dropped).
    private var lease: ReplicaLease?
    private var bodyEnded = false

    static func make(
        leading: [StreamEvent], body: CurlResponseBody, lease: ReplicaLease, decoder: Decoder, call: UpstreamCall
    ) -> EventStream {
        .pulling(UpstreamEventStream(leading: leading, body: body.makeAsyncIterator(), lease: lease, decoder: decoder, call: call))
    }

    private init(
        leading: [StreamEvent], body: CurlResponseBody.AsyncIterator, lease: ReplicaLease, decoder: Decoder, call: UpstreamCall
    ) {
        self.leading = leading
        self.body = body
        self.lease = lease
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
            recordUsage(in: events)
            return events
        }
        // The body ended: what the parser and decoder still hold, then nothing more.
        bodyEnded = true
        defer { lease = nil }
        if let event = parser.finish() { events += try decoder.decode(event) }
        events += try decoder.finish()
        recordUsage(in: events)
        return events
    }

    /// The replica's prompt tokens and the part its prefix cache served, from the final usage.
    private func recordUsage(in events: [StreamEvent]) {
        guard let lease, case .messageEnd(_, _, let usage)? = events.last else { return }
        lease.pool.recordUsage(usage, replica: lease.index)
    }
}

internal import SluiceCore
internal import SluiceCurl

/// Turns an upstream's SSE body into canonical events, pulling from the network only when the
/// consumer asks for the next event: a slow client pauses the transfer instead of filling memory,
/// and dropping the stream drops the body, which aborts the transfer.
enum UpstreamEventStream {
    static func make<Decoder: UpstreamStreamDecoding>(
        leading: [StreamEvent], body: CurlResponseBody, decoder: Decoder, call: UpstreamCall
    ) -> EventStream {
        let puller = Puller(pending: leading, body: body.makeAsyncIterator(), decoder: decoder, call: call)
        return EventStream(unfolding: { try await puller.next() })
    }

    /// The stream's mutable state.
    ///
    /// `@unchecked Sendable`: `AsyncThrowingStream(unfolding:)` calls `next()` from one consumer at
    /// a time, never concurrently, so the state is never touched by two tasks at once.
    private final class Puller<Decoder: UpstreamStreamDecoding>: @unchecked Sendable {
        private var pending: [StreamEvent]
        private var pendingIndex = 0
        private var body: CurlResponseBody.AsyncIterator
        private var parser = ServerSentEventParser()
        private var decoder: Decoder
        private let call: UpstreamCall
        private var ended = false

        init(pending: [StreamEvent], body: CurlResponseBody.AsyncIterator, decoder: Decoder, call: UpstreamCall) {
            self.pending = pending
            self.body = body
            self.decoder = decoder
            self.call = call
        }

        func next() async throws -> StreamEvent? {
            while pendingIndex == pending.count {
                if ended { return nil }
                pending.removeAll(keepingCapacity: true)
                pendingIndex = 0
                let chunk: [UInt8]?
                do {
                    chunk = try await body.next()
                } catch {
                    throw call.transportError(error)
                }
                if let chunk {
                    for event in try parser.feed(chunk) { pending += try decoder.decode(event) }
                } else {
                    ended = true
                    if let event = parser.finish() { pending += try decoder.decode(event) }
                    pending += try decoder.finish()
                }
            }
            defer { pendingIndex += 1 }
            return pending[pendingIndex]
        }
    }
}

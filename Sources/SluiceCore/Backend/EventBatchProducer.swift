/// A source of canonical events that makes them a batch at a time: an upstream's parsed body,
/// the engine's outputs, the policy chain's transformed events.
///
/// Turned into an ``EventStream`` with ``EventStream/pulling(_:)``, it is asked for a batch
/// only when the consumer has taken every event of the last one: work is done as fast as the
/// client reads, and never ahead of it.
public protocol EventBatchProducer: SendableMetatype {
    /// The next events (possibly none, when the step produced nothing yet); `nil` once the stream is over.
    mutating func nextBatch() async throws -> [StreamEvent]?
}

extension AsyncThrowingStream where Element == StreamEvent, Failure == any Error {
    /// The events of `producer`, pulled one at a time by the stream's consumer.
    public static func pulling(_ producer: some EventBatchProducer) -> EventStream {
        let puller = BatchPuller(producer)
        return EventStream(unfolding: { try await puller.next() })
    }
}

/// The producer and the batch being handed out.
///
/// `@unchecked Sendable`: an `AsyncThrowingStream(unfolding:)` has one consumer, which calls
/// `next()` one call after another, so the state is never touched by two tasks at once.
private final class BatchPuller<Producer: EventBatchProducer>: @unchecked Sendable {
    private var producer: Producer
    private var batch: [StreamEvent] = []
    private var index = 0
    private var ended = false

    init(_ producer: Producer) {
        self.producer = producer
    }

    func next() async throws -> StreamEvent? {
        while index == batch.count {
            guard !ended, let next = try await producer.nextBatch() else {
                ended = true
                return nil
            }
            batch = next
            index = 0
        }
        defer { index += 1 }
        return batch[index]
    }
}

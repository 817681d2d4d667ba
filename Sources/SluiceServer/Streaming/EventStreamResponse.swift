internal import AsyncAlgorithms
internal import HTTPTypes
internal import Hummingbird
internal import Logging
internal import NIOCore
internal import SluiceCore

/// Writes a canonical event stream to the client as server-sent events.
///
/// Events are pulled only as fast as the client takes them. While the backend is silent (a long
/// prefill) a keep-alive goes out every `keepAliveInterval`. A backend failure mid-stream, the
/// request's deadline and the end of the shutdown grace period become the protocol's in-stream
/// error; a client that goes away ends the iteration, which drops the backend's stream and so
/// cancels the upstream work.
///
/// `onFinish` runs before the stream's last event goes out: the usage of an answered request is
/// committed before the client learns it was answered, so a crash cannot lose it.
struct EventStreamResponse<Encoder: StreamEncoding> {
    let events: EventStream
    let encoder: Encoder
    let keepAliveInterval: Duration
    let cutoff: RequestCutoff
    let logger: Logger
    /// Called once when the stream is over, with how it ended.
    let onFinish: @Sendable (StreamSummary) async -> Void

    private enum Item: Sendable {
        case event(StreamEvent)
        case tick
        case cut(SluiceError)
        case end
    }

    /// A write to the client failed: it is gone, and nothing more can be sent.
    private struct ClientGone: Error {}

    func response(headers extraHeaders: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/event-stream; charset=utf-8",
            .cacheControl: "no-cache",
        ]
        headers.append(contentsOf: extraHeaders)
        return Response(status: .ok, headers: headers, body: ResponseBody { [self] writer in
            try await write(to: &writer)
        })
    }

    private func write(to writer: inout any ResponseBodyWriter) async throws {
        var encoder = encoder
        var lastWrite = ContinuousClock.now
        var summary = StreamSummary()
        let cutoff = cutoff
        let items = merge(
            chain(events.map { Item.event($0) }, [Item.end].async),
            AsyncTimerSequence(interval: keepAliveInterval, clock: .continuous).map { _ in Item.tick },
            [()].async.compactMap { await cutoff.wait().map(Item.cut) })
        do {
            for try await item in items {
                let frames: [ServerSentEvent]
                switch item {
                case .event(let event):
                    summary.observe(event)
                    if summary.sawEnd { await onFinish(summary) }
                    frames = encoder.encode(event)
                case .tick:
                    guard ContinuousClock.now - lastWrite >= keepAliveInterval, let keepAlive = Encoder.keepAlive else { continue }
                    frames = [keepAlive]
                case .cut(let reason): throw reason
                case .end: frames = []
                }
                if !frames.isEmpty {
                    try await Self.send(frames, to: &writer)
                    lastWrite = ContinuousClock.now
                }
                if case .end = item { break }
            }
        } catch is ClientGone {
            logger.info("client went away mid-stream")
            if !summary.sawEnd {
                summary.clientLeft = true
                await onFinish(summary)
            }
            return
        } catch is CancellationError {
            logger.info("client went away mid-stream")
            if !summary.sawEnd {
                summary.clientLeft = true
                await onFinish(summary)
            }
            return
        } catch {
            let failure = ErrorResponseMiddleware.sluiceError(for: error, request: nil)
            logger.warning("stream failed", metadata: ["error": "\(failure.description)"])
            if !summary.sawEnd {
                summary.failure = failure
                await onFinish(summary)
            }
            try? await Self.send(encoder.fail(failure), to: &writer)
            try await writer.finish(nil)
            return
        }
        if !summary.sawEnd { await onFinish(summary) }
        try await writer.finish(nil)
    }

    private static func send(_ frames: [ServerSentEvent], to writer: inout any ResponseBodyWriter) async throws {
        var bytes: [UInt8] = []
        for frame in frames { bytes.append(contentsOf: frame.encoded()) }
        do {
            try await writer.write(ByteBuffer(bytes: bytes))
        } catch {
            throw ClientGone()
        }
    }
}

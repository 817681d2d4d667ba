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
    /// Whether ``StreamSummary/answer`` is wanted (it costs a copy of the whole answer).
    var keepsAnswer = false
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
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { [self] writer in
                try await write(to: &writer)
            })
    }

    /// How the client side of the stream ended.
    private enum Ending {
        /// The backend's stream ended; the client has had all but `finalFrames`, which wait for the
        /// usage to be recorded.
        case delivered(finalFrames: [ServerSentEvent])
        /// A write failed or the task was cancelled: the client is gone.
        case clientGone
        /// The stream failed or was cut; the client is owed this error event.
        case failed(SluiceError)
    }

    /// The backend's events are pulled in one child task and handed over one at a time (the
    /// channel waits for the writer), keep-alive ticks and the cutoff in two others. Every child
    /// has finished before `onFinish` runs, so no policy stage is still processing an event when
    /// it learns how the request ended.
    private func write(to writer: inout any ResponseBodyWriter) async throws {
        var encoder = encoder
        var summary = StreamSummary(keepsAnswer: keepsAnswer)
        let items = AsyncThrowingChannel<Item, any Error>()
        let ending: Ending = await withTaskGroup(of: Void.self) { group in
            group.addTask { [events] in
                do {
                    for try await event in events {
                        await items.send(.event(event))
                        // The canonical stream ends here; nothing after it is read or processed.
                        if case .messageEnd = event { break }
                    }
                    await items.send(.end)
                } catch {
                    items.fail(error)
                }
            }
            group.addTask { [keepAliveInterval] in
                while (try? await Task.sleep(for: keepAliveInterval)) != nil { await items.send(.tick) }
            }
            group.addTask { [cutoff] in
                if let reason = await cutoff.wait() { await items.send(.cut(reason)) }
            }
            let ending = await forward(items, encoder: &encoder, summary: &summary, to: &writer)
            group.cancelAll()
            items.finish()
            return ending
        }
        switch ending {
        case .delivered(let finalFrames):
            await onFinish(summary)
            try await Self.send(finalFrames, to: &writer)
            try await writer.finish(nil)
        case .clientGone:
            logger.info("client went away mid-stream")
            summary.clientLeft = true
            await onFinish(summary)
        case .failed(let failure):
            logger.warning("stream failed", metadata: ["error": "\(failure.description)"])
            summary.failure = failure
            await onFinish(summary)
            try? await Self.send(encoder.fail(failure), to: &writer)
            try await writer.finish(nil)
        }
    }

    /// Writes the items as server-sent events until the stream ends, fails or loses its client;
    /// the last event is held back, to go out once the usage is recorded.
    private func forward(
        _ items: AsyncThrowingChannel<Item, any Error>, encoder: inout Encoder, summary: inout StreamSummary,
        to writer: inout any ResponseBodyWriter
    ) async -> Ending {
        var lastWrite = ContinuousClock.now
        var finalFrames: [ServerSentEvent] = []
        do {
            for try await item in items {
                let frames: [ServerSentEvent]
                switch item {
                case .event(let event):
                    summary.observe(event)
                    if summary.sawEnd {
                        finalFrames = encoder.encode(event)
                        continue
                    }
                    frames = encoder.encode(event)
                case .tick:
                    guard ContinuousClock.now - lastWrite >= keepAliveInterval, let keepAlive = Encoder.keepAlive else { continue }
                    frames = [keepAlive]
                case .cut(let reason):
                    return .failed(reason)
                case .end:
                    return .delivered(finalFrames: finalFrames)
                }
                try await Self.send(frames, to: &writer)
                lastWrite = ContinuousClock.now
            }
            return .clientGone
        } catch is ClientGone {
            return .clientGone
        } catch is CancellationError {
            return .clientGone
        } catch {
            return .failed(SluiceError(reporting: error, request: nil))
        }
    }

    private static func send(_ frames: [ServerSentEvent], to writer: inout any ResponseBodyWriter) async throws {
        guard !frames.isEmpty else { return }
        var bytes: [UInt8] = []
        for frame in frames { bytes.append(contentsOf: frame.encoded()) }
        do {
            try await writer.write(ByteBuffer(bytes: bytes))
        } catch {
            throw ClientGone()
        }
    }
}

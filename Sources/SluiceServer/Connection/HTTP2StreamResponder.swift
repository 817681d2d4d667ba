internal import HummingbirdCore
internal import NIOCore

/// The responder of HTTP/2 streams. Each request runs in a task of its own that the stream's
/// close cancels, as ``GuardedHTTP1Channel`` does for a whole HTTP/1.1 connection: a client that
/// resets a stream, or drops the connection, stops the upstream call, the engine's decoding and
/// any retry of that request, and no other.
enum HTTP2StreamResponder {
    static func cancellingOnStreamClose(_ responder: @escaping HTTPChannelHandler.Responder) -> HTTPChannelHandler.Responder {
        { request, writer, stream in
            // The writer is not Sendable, but it moves: once the task has it, nothing here touches it.
            nonisolated(unsafe) let handOver = ResponseWriterHandOver(writer)
            let work = Task { try await responder(request, handOver.take(), stream) }
            stream.closeFuture.whenComplete { _ in work.cancel() }
            try await withTaskCancellationHandler {
                try await work.value
            } onCancel: {
                work.cancel()
            }
        }
    }
}

/// Carries a response writer, which cannot be copied, into the task that answers.
private final class ResponseWriterHandOver {
    private var writer: ResponseWriter?

    init(_ writer: consuming ResponseWriter) {
        self.writer = consume writer
    }

    func take() -> ResponseWriter {
        guard let writer = writer.take() else { preconditionFailure("a response writer is handed over once") }
        return writer
    }
}

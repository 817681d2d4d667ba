public import SluiceCore

/// Turns a canonical event stream into Responses API server-sent events, each named by its type
/// and numbered by `sequence_number` from 0, as OpenAI sends them.
///
/// A stream always ends with a terminal event: `response.completed` or `response.incomplete`
/// when the answer ended, or `error` then `response.failed` when it could not (Codex treats a
/// stream without one as a failure and retries it).
public struct ResponsesStreamEncoder: Sendable {
    private var builder: ResponsesOutputBuilder
    private var sequenceNumber = 0
    private var started = false
    private var finished = false

    public init(envelope: ResponsesEnvelope) {
        builder = ResponsesOutputBuilder(envelope: envelope)
    }

    public mutating func encode(_ event: StreamEvent) -> [ServerSentEvent] {
        guard !finished else { return [] }
        var frames: [ServerSentEvent] = []
        if !started, case .messageStart = event {
            started = true
        } else if !started {
            // A stream that does not open with `messageStart` still gets its lifecycle events.
            started = true
            frames += frame(builder.consume(.messageStart(id: "", model: "", usage: Usage())))
        }
        if case .messageEnd = event { finished = true }
        return frames + frame(builder.consume(event))
    }

    /// The frames for a failure after the stream started: an `error` event naming it, then
    /// `response.failed` with the output so far.
    public mutating func fail(_ error: SluiceError) -> [ServerSentEvent] {
        guard !finished else { return [] }
        finished = true
        var frames: [ServerSentEvent] = []
        if !started {
            started = true
            frames += frame(builder.consume(.messageStart(id: "", model: "", usage: Usage())))
        }
        let body = OpenAIErrorBody.encode(error)["error"] ?? .null
        let code = body["code"] ?? .null
        let failure: JSONValue = ["code": code == .null ? (body["type"] ?? .null) : code, "message": .string(error.message)]
        return frames
            + frame([
                ("error", ["code": code, "message": .string(error.message), "param": body["param"] ?? .null]),
                ("response.failed", ["response": builder.response(status: "failed", error: failure)]),
            ])
    }

    private mutating func frame(_ events: [ResponsesOutputBuilder.Event]) -> [ServerSentEvent] {
        events.map { event in
            var object = JSONObject([("type", .string(event.type)), ("sequence_number", .integer(sequenceNumber))])
            for (key, value) in event.fields { object[key] = value }
            sequenceNumber += 1
            return ServerSentEvent(event: event.type, data: JSONValue.object(object).serializedString())
        }
    }
}

import SluiceCore
import SluiceOpenAI
import Testing

/// Parses JSON written in a test; a typo in a fixture fails the test that uses it.
func json(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> JSONValue {
    do {
        return try JSONParser.parse(text)
    } catch {
        Issue.record("fixture is not JSON: \(error)", sourceLocation: sourceLocation)
        return .null
    }
}

/// `text` re-serialised compactly, so expectations can be written pretty-printed and compared as
/// strings (a failing comparison then shows both documents, keys in order).
func compact(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
    json(text, sourceLocation: sourceLocation).serializedString()
}

/// An upstream SSE body: each payload as a `data:` frame.
func sseBody(_ payloads: [String]) -> [UInt8] {
    payloads.flatMap { ServerSentEvent(data: $0).encoded() }
}

/// Runs `body` through the SSE parser and the stream decoder in pieces cut at `cuts` (byte offsets).
func decodeStream(_ body: [UInt8], cuts: [Int] = []) throws(SluiceError) -> [StreamEvent] {
    var parser = ServerSentEventParser()
    var decoder = OpenAIStreamDecoder()
    var events: [StreamEvent] = []
    var start = 0
    for cut in cuts + [body.count] where cut >= start {
        for event in try parser.feed(body[start..<cut]) { events += try decoder.decode(event) }
        start = cut
    }
    if let event = parser.finish() { events += try decoder.decode(event) }
    events += try decoder.finish()
    return events
}

/// Runs `body` through the SSE parser and the decoder one byte at a time.
func decodeStreamByteByByte(_ body: [UInt8]) throws(SluiceError) -> [StreamEvent] {
    try decodeStream(body, cuts: Array(body.indices))
}

/// Folds decoded upstream events into a response, as the backend does after its own `messageStart`.
func accumulate(_ events: [StreamEvent], id: String = "msg_test", model: String = "test-model") throws(SluiceError) -> ChatResponse {
    var accumulator = ResponseAccumulator()
    try accumulator.consume(.messageStart(id: id, model: model, usage: Usage()))
    for event in events { try accumulator.consume(event) }
    return try accumulator.response()
}

import Foundation
import SluiceCore
import SluiceLlama

/// Every event of a stream.
func collect(_ stream: EventStream) async throws -> [StreamEvent] {
    var events: [StreamEvent] = []
    for try await event in stream { events.append(event) }
    return events
}

/// The response a stream amounts to, checking it is well formed.
func response(_ events: [StreamEvent]) throws -> ChatResponse {
    var accumulator = ResponseAccumulator()
    for event in events { try accumulator.consume(event) }
    return try accumulator.response()
}

/// Runs `request` to the end.
func complete(_ backend: LlamaBackend, _ request: ChatRequest) async throws -> ChatResponse {
    try response(try await collect(backend.start(request)))
}

/// The text of a response's text blocks.
func text(of response: ChatResponse) -> String {
    response.content.compactMap { if case .text(let text) = $0 { text.text } else { nil } }.joined()
}

/// Waits until `condition` holds, for at most `timeout`.
func eventually(timeout: Duration = .seconds(5), _ condition: () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}

/// A request to the tiny model.
func tinyRequest(
    _ text: String, maxTokens: Int = 16, temperature: Double? = 0, seed: Int? = nil, stop: [String] = []
) -> ChatRequest {
    ChatRequest(model: "tiny", messages: [.user(text)], maxTokens: maxTokens, temperature: temperature, stopSequences: stop, seed: seed)
}

/// What a backend answers a request with: the events, and the response headers of an Anthropic
/// upstream that Anthropic's clients act on (`anthropic-ratelimit-*`, `x-should-retry`), which
/// only the Anthropic front passes on.
public struct BackendResponse: Sendable {
    public var events: EventStream
    /// Empty unless the backend is an Anthropic upstream.
    public var anthropicHeaders: [HeaderField]

    public init(events: EventStream, anthropicHeaders: [HeaderField] = []) {
        self.events = events
        self.anthropicHeaders = anthropicHeaders
    }
}

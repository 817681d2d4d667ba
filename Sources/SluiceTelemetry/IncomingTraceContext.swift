public import SluiceCore
internal import W3CTraceContext

/// The W3C trace context a client sent (`traceparent`, `tracestate`), checked: a malformed one is
/// dropped rather than passed on, so nothing a client writes reaches an upstream's headers unparsed.
public struct IncomingTraceContext: Sendable, Hashable {
    public let traceparent: String
    public let tracestate: String?

    /// `nil` unless `traceparent` is a valid W3C trace parent.
    public init?(traceparent: String?, tracestate: String?) {
        guard let traceparent, let context = try? TraceContext(traceParentHeaderValue: traceparent, traceStateHeaderValue: tracestate)
        else { return nil }
        self.traceparent = context.traceParentHeaderValue
        self.tracestate = context.traceStateHeaderValue
    }

    /// The headers that pass the context on unchanged, for when Sluice does not trace itself.
    public var headers: [HeaderField] {
        [HeaderField(name: "traceparent", value: traceparent)] + (tracestate.map { [HeaderField(name: "tracestate", value: $0)] } ?? [])
    }
}

internal import SluiceCore
internal import Tracing

/// Reads the incoming trace context for the tracer's propagator.
struct IncomingTraceExtractor: Extractor {
    func extract(key: String, from carrier: IncomingTraceContext) -> String? {
        switch key {
        case "traceparent": carrier.traceparent
        case "tracestate": carrier.tracestate
        default: nil
        }
    }
}

/// Writes the outgoing trace context as upstream request headers.
struct UpstreamHeaderInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [HeaderField]) {
        carrier.append(HeaderField(name: key, value: value))
    }
}

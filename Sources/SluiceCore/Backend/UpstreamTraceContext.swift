/// The W3C trace context (`traceparent`, and `tracestate` when there is one) that upstream calls
/// made in the current task carry, so a trace runs from the client through Sluice to the model
/// server. Set by the gateway around a dispatch; remote backends add it to their requests.
public enum UpstreamTraceContext {
    @TaskLocal public static var headers: [HeaderField] = []
}

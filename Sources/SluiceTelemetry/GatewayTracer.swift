public import Logging
public import ServiceLifecycle
public import SluiceCore
internal import OTel
internal import Tracing

/// Starts a span for each request, continuing the client's trace when it sent one.
///
/// Exists only when tracing is on: the gateway holds an optional tracer, so with tracing off no
/// span, exporter or background task exists at all.
public struct GatewayTracer: Sendable {
    private let tracer: any Tracer
    /// `gen_ai.provider.name` of each backend, by backend name.
    private let providers: [String: String]

    init(tracer: any Tracer, providers: [String: String]) {
        self.tracer = tracer
        self.providers = providers
    }

    /// The tracer exporting over OTLP as `settings` say, and the service that batches and sends its
    /// spans: run it in the server's service group, after the server, so the last spans go out at shutdown.
    public static func exporting(
        _ settings: TraceExportSettings, providers: [String: String], logger: Logger
    ) throws -> (tracer: GatewayTracer, exporter: any Service) {
        let backend = try OTel.makeTracingBackend(configuration: settings.otelConfiguration(logger: logger))
        return (GatewayTracer(tracer: backend.factory, providers: providers), backend.service)
    }

    /// Starts the span of one request; end it with ``RequestSpan/end(_:)`` once the request is over.
    /// - Parameter captureContent: whether the span may hold the prompt and the answer (the policy's choice).
    public func startRequest(
        operation: GenAIOperation, model: String, session: ClientSession?, caller: String, policyName: String, requestID: String,
        incoming: IncomingTraceContext?, captureContent: Bool
    ) -> RequestSpan {
        var context = InstrumentationContext.topLevel
        if let incoming { tracer.extract(incoming, into: &context, using: IncomingTraceExtractor()) }
        let span = tracer.startSpan("\(operation.rawValue) \(model)", context: context, ofKind: .server)
        span.attributes.merge(
            GenAIAttributes.request(
                operation: operation, model: model, session: session, caller: caller, policyName: policyName,
                gatewayRequestID: requestID))
        return RequestSpan(tracer: tracer, span: span, operation: operation, providers: providers, capturesContent: captureContent)
    }
}

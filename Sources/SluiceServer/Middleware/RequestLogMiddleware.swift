internal import Foundation
internal import Hummingbird
internal import Logging

/// Logs one line per request and records its metrics: a stream's once its last byte is written
/// (its duration is the whole stream's), a reply in memory as it is handed to the listener. Adds
/// the `request-id` header to every response.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = SluiceRequestContext
    let metrics: GatewayMetrics
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        context.record.clientCertificate = request.headers[ClientCertificateHandler.headerName]
        var response = try await next(request, context)
        response.headers[.requestID] = context.requestID
        let status = response.status.code
        let body = response.body
        let finish: @Sendable () -> Void = { [logger, metrics, record = context.record, requestID = context.requestID] in
            let duration = ContinuousClock.now - started
            let route = context.endpointPath ?? "unmatched"
            metrics.recordRequest(route: route, status: status, keyName: record.keyName, duration: duration)
            metrics.activity.recordRequest(
                failure: record.errorCategory.map {
                    GatewayActivity.RecentError(
                        at: Date(), method: "\(request.method)", path: request.uri.path, status: status, category: $0,
                        keyName: record.keyName, requestID: requestID)
                })
            var metadata: Logger.Metadata = [
                "method": "\(request.method)", "path": "\(request.uri.path)", "status": "\(status)",
                "duration_ms": "\(Self.milliseconds(duration))", "key": "\(record.keyName ?? "-")", "request_id": "\(requestID)",
            ]
            if let backend = record.backend { metadata["backend"] = "\(backend)" }
            if let category = record.errorCategory { metadata["error"] = "\(category)" }
            if let subject = record.clientCertificate { metadata["client_cert"] = "\(subject)" }
            logger.info("request", metadata: metadata)
        }
        // A body of known length is a reply already in memory. Hummingbird writes such a body with
        // its head and end in one flush; wrapped in a closure it would take three. Over HTTP/2 curl
        // then sees the whole body before END_STREAM and resets the stream, and 200 resets in 30 s
        // make swift-nio-http2 end the connection. Its write is quick, so it is logged now.
        if body.contentLength != nil {
            finish()
            return response
        }
        response.body = ResponseBody { writer in
            do {
                try await body.write(writer)
                finish()
            } catch {
                finish()
                throw error
            }
        }
        return response
    }

    private static func milliseconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        return String((value * 100).rounded() / 100)
    }
}

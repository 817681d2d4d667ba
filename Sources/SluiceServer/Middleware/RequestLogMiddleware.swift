internal import Foundation
internal import Hummingbird
internal import Logging

/// Logs one line per request and records its metrics, once its response's last byte is written
/// (a stream's duration is the whole stream's). Adds the `request-id` header to every response.
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
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
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

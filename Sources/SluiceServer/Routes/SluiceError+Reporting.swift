internal import Hummingbird
internal import NIOCore
internal import NIOHTTP1
internal import SluiceCore
internal import SluiceStore

extension SluiceError {
    /// `error` as something a client may be told: Sluice's own errors as they are, an unreachable
    /// database a 503 with `retry-after`, Hummingbird's
    /// and NIO's (404 for unknown routes, 413 from body limits, malformed HTTP) mapped to a
    /// category, anything else a 500 that says nothing of its cause. `request` names the route in 404s.
    init(reporting error: any Error, request: Request?) {
        let target = request.map { "\($0.method) \($0.uri.path)" } ?? "this request"
        switch error {
        case let error as SluiceError: self = error
        case is StoreUnavailable:
            self = SluiceError(.unavailable, "the gateway's database is unavailable; retry shortly", retryAfter: 2)
        case is NIOTooManyBytesError: self = SluiceError(.requestTooLarge, "request body is larger than the configured limit")
        case let error as HTTPParserError: self = .invalidRequest("malformed HTTP request: \(error.debugDescription)")
        case is RequestBodyTimeout: self = SluiceError(.requestTimeout, "the request body stopped arriving before its end")
        case let error as HTTPError:
            switch error.status {
            case .notFound: self = .notFound("no route for \(target)")
            case .contentTooLarge: self = SluiceError(.requestTooLarge, "request body is larger than the configured limit")
            case .methodNotAllowed: self = .notFound("method not allowed for \(target)")
            case .badRequest: self = .invalidRequest(error.body ?? "bad request")
            default: self = .internalFailure("internal error")
            }
        default: self = .internalFailure("internal error")
        }
    }
}

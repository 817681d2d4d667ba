internal import Hummingbird
internal import Logging
internal import NIOCore
internal import NIOHTTP1
internal import SluiceCore

/// Turns every error thrown below it into a response in the caller's protocol: Sluice's own
/// errors as they are, Hummingbird's (404 for unknown routes, 413 from body limits) mapped to a
/// category, anything else to a 500 that says nothing of its cause and is logged here instead.
struct ErrorResponseMiddleware: RouterMiddleware {
    typealias Context = SluiceRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch is CancellationError {
            // The client went away: there is no one to answer, and nothing went wrong here.
            context.record.errorCategory = "client_closed_request"
            return Response(status: .init(code: Gateway.Exchange.clientClosedRequest))
        } catch {
            let sluiceError = Self.sluiceError(for: error, request: request)
            if sluiceError.category == .internalFailure {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            context.record.errorCategory = sluiceError.category.rawValue
            return APIProtocol(for: request).response(for: sluiceError)
        }
    }

    /// `error` as something a client may be told; `request` names the route in 404s.
    static func sluiceError(for error: any Error, request: Request?) -> SluiceError {
        let target = request.map { "\($0.method) \($0.uri.path)" } ?? "this request"
        switch error {
        case let error as SluiceError: return error
        case is NIOTooManyBytesError: return SluiceError(.requestTooLarge, "request body is larger than the configured limit")
        case let error as HTTPParserError: return .invalidRequest("malformed HTTP request: \(error.debugDescription)")
        case is RequestBodyTimeout: return SluiceError(.requestTimeout, "the request body stopped arriving before its end")
        case let error as HTTPError:
            switch error.status {
            case .notFound: return .notFound("no route for \(target)")
            case .contentTooLarge: return SluiceError(.requestTooLarge, "request body is larger than the configured limit")
            case .methodNotAllowed: return .notFound("method not allowed for \(target)")
            case .badRequest: return .invalidRequest(error.body ?? "bad request")
            default: return .internalFailure("internal error")
            }
        default: return .internalFailure("internal error")
        }
    }
}

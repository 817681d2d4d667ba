internal import Hummingbird
internal import Logging
internal import SluiceCore

/// Turns every error thrown below it into a response in the caller's protocol (see
/// ``SluiceError/init(reporting:request:)``); a 500 says nothing of its cause to the client and
/// is logged here instead. Errors raised before a route took the request (unknown routes, keys)
/// take the protocol the path and headers suggest; after, the route's own. The admin API's
/// errors, unknown admin routes included, take its own shape (``AdminErrorBody``).
struct ErrorResponseMiddleware: RouterMiddleware {
    typealias Context = SluiceRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch is CancellationError {
            // The client went away: there is no one to answer, and nothing went wrong here.
            return context.record.clientClosedRequest()
        } catch {
            let sluiceError = SluiceError(reporting: error, request: request)
            if sluiceError.category == .internalFailure || sluiceError.category == .unavailable {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            context.record.errorCategory = sluiceError.category.rawValue
            if AdminAPI.serves(path: request.uri.path) { return AdminErrorBody.response(for: sluiceError) }
            return (context.record.api ?? APIProtocol(for: request)).response(for: sluiceError)
        }
    }
}

internal import HTTPTypes
internal import Hummingbird
internal import NIOCore
internal import SluiceCore

/// The admin API's errors: `{"error":{"type":…,"message":…}}` with the status the error's
/// category calls for (`authentication_error` 401, `permission_error` 403, `not_found_error`
/// 404, `invalid_request_error` 400, …).
enum AdminErrorBody {
    static func encode(_ error: SluiceError) -> JSONValue {
        ["error": ["type": .string(error.category.rawValue), "message": .string(error.message)]]
    }

    static func response(for error: SluiceError) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter = error.retryAfter { headers[.retryAfter] = String(Int(retryAfter.rounded(.up))) }
        if error.category == .authentication { headers[.wwwAuthenticate] = "Bearer" }
        return Response(
            status: HTTPResponse.Status(code: error.httpStatus), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: encode(error).serialized())))
    }
}

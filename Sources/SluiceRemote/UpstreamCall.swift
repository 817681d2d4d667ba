internal import Foundation
internal import SluiceCore
internal import SluiceCurl

/// One POST of JSON to an upstream, with its failures turned into ``SluiceError``s that say which
/// backend failed and how, and that the dispatcher knows whether to retry.
///
/// The backend's replicas are tried in the order its pool ranks them for the request: one that
/// fails before answering (connect error, timeout, 5xx, 429) passes the request to the next.
struct UpstreamCall {
    let backendName: String
    let endpoint: RemoteEndpoint
    let client: CurlClient

    /// An upstream's answer, and the replica that gave it (outstanding until the answer is let go).
    struct Answer {
        let response: CurlResponse
        let lease: ReplicaLease
    }

    /// The largest error body read from an upstream.
    static let errorBodyLimit = 64 * 1024

    /// Sends `body` to `path` on the best replica for `affinity`; returns once one answered 200.
    /// - Parameter upstreamError: maps a non-200 status, its headers and its body to an error, in
    ///   the upstream's protocol.
    func post(
        path: String, body: JSONValue, headers: CurlHeaders, affinity: @autoclosure () -> UInt64?,
        upstreamError: (_ status: Int, _ headers: [HeaderField], _ body: [UInt8], _ retryAfter: Double?) -> SluiceError
    ) async throws -> Answer {
        var headers = headers
        headers.add(name: "content-type", value: "application/json")
        for field in UpstreamTraceContext.headers { headers.add(name: field.name, value: field.value) }
        let bytes = body.serialized()
        var lastError: (any Error)?
        let replicas = endpoint.replicas
        // The session hash may read the whole start of a long conversation: only worth it when
        // there are replicas to choose between.
        let session = replicas.urls.count > 1 && replicas.settings.sessionAffinity ? affinity() : nil
        for index in try replicas.ranking(affinity: session) {
            // A client that has gone gets no further attempt.
            if lastError != nil { try Task.checkCancellation() }
            let lease = endpoint.replicas.lease(index)
            var replicaHeaders = headers
            for field in endpoint.replicaHeaders[index] {
                replicaHeaders.remove(name: field.name)
                replicaHeaders.add(name: field.name, value: field.value)
            }
            do {
                let response = try await send(bytes, to: lease.url + path, headers: replicaHeaders, upstreamError: upstreamError)
                endpoint.replicas.recordSuccess(index)
                return Answer(response: response, lease: lease)
            } catch let error as SluiceError where error.isRetriable {
                // A busy replica (429) is not an unhealthy one.
                if error.category != .rateLimited { endpoint.replicas.recordFailure(index) }
                lastError = error
            }
        }
        throw lastError ?? SluiceError.upstreamFailed("backend '\(backendName)' has no replica")
    }

    private func send(
        _ body: [UInt8], to url: String, headers: CurlHeaders,
        upstreamError: (_ status: Int, _ headers: [HeaderField], _ body: [UInt8], _ retryAfter: Double?) -> SluiceError
    ) async throws -> CurlResponse {
        let request = CurlRequest(
            method: "POST", url: url, headers: headers, body: body, connectTimeout: endpoint.connectTimeout,
            idleReadTimeout: endpoint.readTimeout, caFile: endpoint.caFile)
        let response: CurlResponse
        do {
            response = try await client.execute(request)
        } catch {
            throw transportError(error)
        }
        guard response.status == 200 else {
            let errorBody = (try? await response.body.collect(upTo: Self.errorBodyLimit)) ?? []
            let wait = RetryAfter.delay(
                retryAfter: response.headers["retry-after"], retryAfterMilliseconds: response.headers["retry-after-ms"],
                now: Date().timeIntervalSince1970)
            let failure = upstreamError(response.status, Self.fields(of: response.headers), errorBody, wait)
            throw SluiceError(
                failure.category, "backend '\(backendName)' answered HTTP \(response.status): \(failure.message)",
                retryAfter: failure.retryAfter, code: failure.code
            ).passingOn(anthropicReply: failure.anthropicReply)
        }
        return response
    }

    static func fields(of headers: CurlHeaders) -> [HeaderField] {
        headers.map { HeaderField(name: $0.name, value: $0.value) }
    }

    /// The whole body as JSON when the upstream answered with one document instead of a stream
    /// (some servers ignore `stream: true`); `nil` for a stream.
    func jsonDocument(of response: CurlResponse) async throws -> JSONValue? {
        guard response.headers["content-type"]?.hasPrefix("application/json") == true else { return nil }
        let body: [UInt8]
        do {
            body = try await response.body.collect(upTo: Self.documentLimit)
        } catch {
            throw transportError(error)
        }
        do throws(JSONParseError) {
            return try JSONParser.parse(body)
        } catch {
            throw SluiceError.upstreamFailed("backend '\(backendName)' sent malformed JSON: \(error.description)")
        }
    }

    /// The largest one-piece response read from an upstream.
    static let documentLimit = 64 * 1024 * 1024

    /// A transport failure as a client-facing error; cancellation passes through untouched.
    func transportError(_ error: any Error) -> any Error {
        guard let curlError = error as? CurlError else { return error }
        if curlError == .cancelled { return CancellationError() }
        if curlError.isTimeout {
            return SluiceError.upstreamTimedOut("backend '\(backendName)' timed out (\(curlError.shortDescription.lowercased()))")
        }
        return SluiceError.upstreamFailed("backend '\(backendName)' failed: \(curlError.shortDescription.lowercased())")
    }
}

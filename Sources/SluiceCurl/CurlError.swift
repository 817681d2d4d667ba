internal import CCurl

/// An error from ``CurlClient``.
///
/// The description never contains request data (URLs, headers, bodies): requests carry API keys, and
/// these errors end up in logs. ``shortDescription`` has no associated values, so it can label metrics.
public struct CurlError: Error, Hashable, CustomStringConvertible {
    private enum Code: Hashable {
        case invalidURL
        case invalidMethod
        case invalidHeader
        case connectionFailed
        case tlsFailed
        case untrustedCertificate
        case connectTimeout
        case readTimeout
        case remoteConnectionClosed
        case responseBodyTooLarge
        case cancelled
        case shutdown
        case transfer(String)
    }

    private var code: Code

    private init(code: Code) {
        self.code = code
    }

    public var description: String {
        switch self.code {
        case .transfer(let message):
            "CurlError.transfer(\(message))"
        default:
            "CurlError.\(self.code)"
        }
    }

    /// A description from a fixed set, for metric labels.
    public var shortDescription: String {
        switch self.code {
        case .invalidURL: "Invalid URL"
        case .invalidMethod: "Invalid method"
        case .invalidHeader: "Invalid header"
        case .connectionFailed: "Connection failed"
        case .tlsFailed: "TLS failed"
        case .untrustedCertificate: "TLS certificate not trusted"
        case .connectTimeout: "Connect timeout"
        case .readTimeout: "Read timeout"
        case .remoteConnectionClosed: "Remote connection closed"
        case .responseBodyTooLarge: "Response body too large"
        case .cancelled: "Cancelled"
        case .shutdown: "Shutdown"
        case .transfer: "Transfer failed"
        }
    }

    /// Whether the error is one of the timeouts, ``connectTimeout`` or ``readTimeout``.
    public var isTimeout: Bool {
        self.code == .connectTimeout || self.code == .readTimeout
    }

    /// The URL is malformed or its scheme is neither `http` nor `https`.
    public static let invalidURL = CurlError(code: .invalidURL)
    /// The method is empty or not an HTTP token.
    public static let invalidMethod = CurlError(code: .invalidMethod)
    /// A header name is empty or a header name or value contains a line break or NUL.
    public static let invalidHeader = CurlError(code: .invalidHeader)
    /// The host could not be resolved or the connection was refused.
    public static let connectionFailed = CurlError(code: .connectionFailed)
    /// The TLS handshake failed, or a certificate file could not be used.
    public static let tlsFailed = CurlError(code: .tlsFailed)
    /// The server's certificate did not verify against the trusted CAs (the system's, or the
    /// request's ``CurlRequest/caFile``), or does not name the host.
    public static let untrustedCertificate = CurlError(code: .untrustedCertificate)
    /// No connection within ``CurlRequest/connectTimeout``.
    public static let connectTimeout = CurlError(code: .connectTimeout)
    /// No byte received for ``CurlRequest/idleReadTimeout`` while the client was ready to receive.
    public static let readTimeout = CurlError(code: .readTimeout)
    /// The server closed the connection or reset the stream before the response was complete.
    public static let remoteConnectionClosed = CurlError(code: .remoteConnectionClosed)
    /// The body is larger than the limit given to ``CurlResponseBody/collect(upTo:)``.
    public static let responseBodyTooLarge = CurlError(code: .responseBodyTooLarge)
    /// The task was cancelled, or the response body was dropped before its end.
    public static let cancelled = CurlError(code: .cancelled)
    /// The client was shut down.
    public static let shutdown = CurlError(code: .shutdown)

    /// Any other failure, with libcurl's fixed message for it (never request data).
    public static func transfer(_ message: String) -> CurlError {
        CurlError(code: .transfer(message))
    }
}

extension CurlError {
    /// The one place a libcurl result becomes a Swift error.
    init(_ code: CURLcode) {
        switch code {
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            self = .invalidURL
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            self = .connectionFailed
        case CURLE_PEER_FAILED_VERIFICATION:
            self = .untrustedCertificate
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE:
            self = .tlsFailed
        case CURLE_OPERATION_TIMEDOUT:
            // The only libcurl timeout Sluice sets is the connect timeout; the idle-read
            // timeout is measured by the client itself.
            self = .connectTimeout
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING,
            CURLE_HTTP2, CURLE_HTTP2_STREAM:
            self = .remoteConnectionClosed
        default:
            self = .transfer(String(cString: curl_easy_strerror(code)))
        }
    }

    /// The one place a libcurl multi-interface result becomes a Swift error.
    init(_ code: CURLMcode) {
        self = .transfer(String(cString: curl_multi_strerror(code)))
    }
}

/// Calls a libcurl function and throws its failure as a ``CurlError``.
///
/// Like `syscall(blocking:)` in SwiftNIO, every checked call into libcurl goes through here.
@inline(__always)
func curlCall(_ body: () -> CURLcode) throws(CurlError) {
    let code = body()
    guard code == CURLE_OK else {
        throw CurlError(code)
    }
}

/// Calls a libcurl multi-interface function and throws its failure as a ``CurlError``.
@inline(__always)
func curlMultiCall(_ body: () -> CURLMcode) throws(CurlError) {
    let code = body()
    guard code == CURLM_OK else {
        throw CurlError(code)
    }
}

/// An HTTP request for ``CurlClient/execute(_:)``.
///
/// ```swift
/// let request = CurlRequest(
///     method: "POST",
///     url: "https://api.example.com/v1/chat/completions",
///     headers: ["Content-Type": "application/json", "Authorization": "Bearer \(key)"],
///     body: Array(json.utf8)
/// )
/// ```
public struct CurlRequest: Sendable {
    /// The request method, such as `GET` or `POST`.
    public var method: String
    /// An absolute `http` or `https` URL.
    public var url: String
    /// Header fields sent as given. libcurl adds `Host`, `Accept: */*` unless set, and
    /// `Content-Length` for a body; `Expect: 100-continue` is never sent unless set here.
    public var headers: CurlHeaders
    /// The request body, or `nil` for none.
    public var body: [UInt8]?
    /// How long to wait for the connection, including TLS, before failing with ``CurlError/connectTimeout``.
    public var connectTimeout: Duration
    /// How long the server may stay silent, once connected, before the request fails with
    /// ``CurlError/readTimeout``. Time the client spends paused because the response body is
    /// not being consumed does not count.
    public var idleReadTimeout: Duration
    /// PEM certificates to verify an `https` server with instead of the system's (a private CA).
    public var caFile: String?
    /// Whether HTTP/2 may be used when a TLS server offers it through ALPN; `false` keeps to HTTP/1.1.
    public var allowsHTTP2: Bool

    public init(
        method: String = "GET",
        url: String,
        headers: CurlHeaders = [:],
        body: [UInt8]? = nil,
        connectTimeout: Duration = .seconds(10),
        idleReadTimeout: Duration = .seconds(300),
        caFile: String? = nil,
        allowsHTTP2: Bool = true
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.idleReadTimeout = idleReadTimeout
        self.caFile = caFile
        self.allowsHTTP2 = allowsHTTP2
    }
}

/// The head of an HTTP response and its streaming body, returned by ``CurlClient/execute(_:)``.
public struct CurlResponse: Sendable {
    /// The status code of the final response; interim `1xx` responses are skipped.
    public var status: Int
    /// The header fields of the final response, in the order received.
    public var headers: CurlHeaders
    /// The body, arriving as the server sends it. Consume it, or drop it to abort the transfer.
    public var body: CurlResponseBody

    init(status: Int, headers: CurlHeaders, body: CurlResponseBody) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

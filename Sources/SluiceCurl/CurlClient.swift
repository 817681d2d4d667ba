public import Logging

/// An HTTP client over libcurl's multi interface, for long streaming responses.
///
/// One thread drives every transfer of the client, and connections are kept and reused between
/// requests. HTTP/2 is used when a TLS server offers it, HTTP/1.1 otherwise. TLS certificates are
/// verified, and the `http_proxy`, `https_proxy` and `no_proxy` environment variables are honoured.
/// Redirects are not followed.
///
/// Prefer the scoped ``withClient(configuration:logger:isolation:_:)``; otherwise call ``shutdown()``
/// when done. Responses keep streaming only while the client runs: shutting it down, or dropping
/// it, aborts them.
///
/// ```swift
/// try await CurlClient.withClient(logger: logger) { client in
///     let response = try await client.execute(CurlRequest(url: "http://127.0.0.1:8000/v1/models"))
///     let body = try await response.body.collect(upTo: 1 << 20)
/// }
/// ```
public final class CurlClient: Sendable {
    /// The configuration the client was created with.
    public let configuration: Configuration
    private let loop: CurlMultiLoop

    /// Creates a client and starts its thread.
    public init(configuration: Configuration = Configuration(), logger: Logger = Logger(label: "sluice.curl")) {
        precondition(
            configuration.bufferHighWaterMark > 0 && configuration.bufferLowWaterMark >= 0
                && configuration.bufferLowWaterMark < configuration.bufferHighWaterMark,
            "0 <= bufferLowWaterMark < bufferHighWaterMark"
        )
        self.configuration = configuration
        self.loop = CurlMultiLoop(logger: logger)
        self.loop.start()
    }

    deinit {
        self.loop.initiateShutdown()
    }

    /// Sends a request and returns once the status line and all header fields of the response arrived.
    ///
    /// Cancelling the task aborts the transfer. A response with an error status is returned, not thrown.
    ///
    /// - Parameter request: The request to send.
    /// - Returns: The response, whose body is still arriving.
    /// - Throws: A ``CurlError`` if the request could not be sent or no response head arrived, such as
    ///   ``CurlError/connectionFailed``, ``CurlError/connectTimeout``, ``CurlError/readTimeout``,
    ///   ``CurlError/cancelled`` or ``CurlError/shutdown``.
    public func execute(_ request: CurlRequest) async throws -> CurlResponse {
        let transfer = try CurlTransfer.make(
            request: request,
            loop: self.loop,
            highWaterMark: self.configuration.bufferHighWaterMark,
            lowWaterMark: self.configuration.bufferLowWaterMark
        )
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.start(continuation)
            }
        } onCancel: {
            transfer.cancel(.cancelled)
        }
    }

    /// Stops the client: transfers still running fail with ``CurlError/shutdown``, later requests
    /// throw it, and the connections close. Returns once the client's thread is done with libcurl.
    /// Calling it again does nothing.
    public func shutdown() async {
        await self.loop.shutdown()
    }
}

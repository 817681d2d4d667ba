/// The body of a ``CurlResponse``: chunks of bytes as they arrive from the network.
///
/// Read it once, with one iterator. Reading is what lets the transfer go on: when the consumer falls
/// behind, the client stops reading from the socket instead of buffering without bound. An error
/// in the middle of the body, such as the server closing the connection early, is thrown by the
/// iterator after the chunks received before it.
///
/// Dropping the body, or an iterator before the end, aborts the transfer and closes its
/// connection, so an upstream model server stops generating.
///
/// ```swift
/// for try await chunk in response.body {
///     try await writer.write(chunk)
/// }
/// ```
public struct CurlResponseBody: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    /// Aborts the transfer when the last copy of the body goes, unless an iterator took over.
    private final class Lifetime: Sendable {
        let transfer: CurlTransfer

        init(transfer: CurlTransfer) {
            self.transfer = transfer
        }

        deinit {
            self.transfer.bodyReleased()
        }
    }

    /// Aborts the transfer when the iterator goes before the end (a no-op after it).
    private final class IteratorLifetime: Sendable {
        let transfer: CurlTransfer

        init(transfer: CurlTransfer) {
            self.transfer = transfer
        }

        deinit {
            self.transfer.cancel(.cancelled)
        }
    }

    private let lifetime: Lifetime

    init(transfer: CurlTransfer) {
        self.lifetime = Lifetime(transfer: transfer)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        private let lifetime: IteratorLifetime

        fileprivate init(transfer: CurlTransfer) {
            transfer.iteratorCreated()
            self.lifetime = IteratorLifetime(transfer: transfer)
        }

        /// The next chunk, or `nil` at the end of the body.
        ///
        /// - Throws: A ``CurlError``: ``CurlError/cancelled`` if the task is cancelled, which also aborts
        ///   the transfer; ``CurlError/remoteConnectionClosed`` if the body was cut short.
        public mutating func next() async throws -> [UInt8]? {
            try await self.lifetime.transfer.read()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(transfer: self.lifetime.transfer)
    }

    /// Reads the whole body into one array.
    ///
    /// - Parameter maxBytes: The most bytes to accept.
    /// - Throws: ``CurlError/responseBodyTooLarge`` (and aborts the transfer) if the body is longer than
    ///   `maxBytes`, or the error that ended the transfer.
    public func collect(upTo maxBytes: Int) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in self {
            guard bytes.count + chunk.count <= maxBytes else {
                throw CurlError.responseBodyTooLarge
            }
            bytes.append(contentsOf: chunk)
        }
        return bytes
    }

    /// The most bytes the client ever buffered for this body while the consumer had not read them.
    package var peakBufferedByteCount: Int {
        self.lifetime.transfer.peakBufferedBytes
    }

    /// How many times the client paused receiving because the consumer fell behind.
    package var pauseCount: Int {
        self.lifetime.transfer.pauseCount
    }
}

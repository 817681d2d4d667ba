extension CurlClient {
    /// Settings shared by every request of a ``CurlClient``.
    public struct Configuration: Sendable {
        /// Receiving from the server pauses while at least this many body bytes wait for the consumer.
        /// The buffer can exceed it by one libcurl chunk (16 KiB).
        public var bufferHighWaterMark: Int
        /// Receiving resumes once the consumer leaves at most this many bytes buffered.
        public var bufferLowWaterMark: Int

        public init(bufferHighWaterMark: Int = 256 * 1024, bufferLowWaterMark: Int = 64 * 1024) {
            self.bufferHighWaterMark = bufferHighWaterMark
            self.bufferLowWaterMark = bufferLowWaterMark
        }
    }
}

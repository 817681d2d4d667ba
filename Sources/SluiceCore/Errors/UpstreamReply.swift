/// An upstream's own error answer, kept so that a front speaking the upstream's protocol can pass
/// it on unmodified: Claude Code's retry logic reads the wording of Anthropic's error bodies.
public struct UpstreamReply: Sendable, Hashable {
    public var status: Int
    /// The response header fields the client may see (see ``BackendResponse/anthropicHeaders``).
    public var headers: [HeaderField]
    public var body: [UInt8]

    public init(status: Int, headers: [HeaderField], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

internal import HTTPTypes
internal import SluiceCore

extension ClientSession {
    /// The longest id kept: Claude Code's are UUIDs, and a client must not fill usage rows with megabytes.
    static let maximumIDLength = 128

    /// The session Claude Code's gateway headers name; `nil` when the request has none of them.
    init?(headers: HTTPFields) {
        func id(_ name: HTTPField.Name) -> String? {
            guard let value = headers[name], !value.isEmpty else { return nil }
            return String(value.prefix(Self.maximumIDLength))
        }
        self.init(sessionID: id(.claudeCodeSessionID), agentID: id(.claudeCodeAgentID), parentAgentID: id(.claudeCodeParentAgentID))
        if isEmpty { return nil }
    }
}

extension HTTPField.Name {
    static let claudeCodeSessionID = HTTPField.Name("x-claude-code-session-id")!
    static let claudeCodeAgentID = HTTPField.Name("x-claude-code-agent-id")!
    static let claudeCodeParentAgentID = HTTPField.Name("x-claude-code-parent-agent-id")!
}

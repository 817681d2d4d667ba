/// The agent session a request belongs to, from the headers Claude Code sends gateways
/// (`x-claude-code-session-id`, `x-claude-code-agent-id`, `x-claude-code-parent-agent-id`).
///
/// Recorded with usage and visible to routing (a session's requests can go to the replica that
/// holds its prefix cache). It never changes an answer, so it is not part of the response-cache
/// key, and no backend sends it upstream.
public struct ClientSession: Sendable, Hashable {
    public var sessionID: String?
    /// The agent (the main loop or a subagent) that made the request.
    public var agentID: String?
    /// The agent that started `agentID`, for subagents.
    public var parentAgentID: String?

    public init(sessionID: String? = nil, agentID: String? = nil, parentAgentID: String? = nil) {
        self.sessionID = sessionID
        self.agentID = agentID
        self.parentAgentID = parentAgentID
    }

    /// Whether no id is known.
    public var isEmpty: Bool { sessionID == nil && agentID == nil && parentAgentID == nil }
}

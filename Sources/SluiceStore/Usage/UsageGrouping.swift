/// What `sluice usage` totals each key's requests by.
public enum UsageGrouping: String, Sendable, Hashable, CaseIterable {
    case model
    /// Claude Code's session (`x-claude-code-session-id`); requests without one share `-`.
    case session
    /// Each agent of each session (the main loop and every subagent).
    case agent

    /// The SQL of the grouping columns after the key, each with the name ``UsageSummary`` reads
    /// it by; the same in SQLite and PostgreSQL.
    package var columns: [(expression: String, name: String)] {
        switch self {
        case .model: [("COALESCE(model, '-')", "model")]
        case .session: [("COALESCE(session_id, '-')", "session")]
        case .agent: [("COALESCE(session_id, '-')", "session"), ("COALESCE(agent_id, '-')", "agent")]
        }
    }
}

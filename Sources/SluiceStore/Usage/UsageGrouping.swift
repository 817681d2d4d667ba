/// What `sluice usage` totals requests by.
public enum UsageGrouping: String, Sendable, Hashable, CaseIterable {
    case key
    /// The caller's team when the request was made; keys without one share `-`.
    case team
    /// Each key and model.
    case model
    /// Each key and Claude Code session (`x-claude-code-session-id`); requests without one share `-`.
    case session
    /// Each agent of each session (the main loop and every subagent).
    case agent
    /// Each UTC day.
    case day

    /// The two databases' spellings of what differs between them.
    package enum Dialect: Sendable {
        case sqlite
        case postgres
    }

    /// The SQL of the grouping columns, each with the name ``UsageSummary`` reads it by.
    package func columns(_ dialect: Dialect) -> [(expression: String, name: String)] {
        let key = ("COALESCE(key_name, '-')", "key_name")
        switch self {
        case .key: return [key]
        case .team: return [("COALESCE(team, '-')", "team")]
        case .model: return [key, ("COALESCE(model, '-')", "model")]
        case .session: return [key, ("COALESCE(session_id, '-')", "session")]
        case .agent: return [key, ("COALESCE(session_id, '-')", "session"), ("COALESCE(agent_id, '-')", "agent")]
        case .day:
            // SQLite keeps dates as UTC text (`2025-11-21 14:03:07.000`).
            switch dialect {
            case .sqlite: return [("substr(created_at, 1, 10)", "day")]
            case .postgres: return [("to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')", "day")]
            }
        }
    }

    /// The names of the columns, in order, as `sluice usage` prints them.
    public var columnNames: [String] { columns(.sqlite).map(\.name) }

    /// A column's name as people read it: `key_name` is the key.
    public static func label(of column: String) -> String { column == "key_name" ? "key" : column }
}

import Foundation
import SluiceStore
import Testing

/// Claude Code's session headers, as usage rows keep them and `sluice usage --by` totals them.
@Suite struct UsageSessionTests {
    private func record(session: String?, agent: String? = nil, parent: String? = nil, outputTokens: Int = 5) -> UsageRecord {
        UsageRecord(
            createdAt: Date(timeIntervalSince1970: 1_764_000_000.25), keyID: "key_1", keyName: "ci", model: "m", backend: "b",
            endpoint: "messages", stream: false,
            status: 200, inputTokens: 10, outputTokens: outputTokens, durationMilliseconds: 1, sessionID: session, agentID: agent,
            parentAgentID: parent)
    }

    /// A line as the previous version wrote it, without the session fields.
    private static let lineWithoutSessions = """
        {"created_at":1764000000.25,"key_id":"key_1","key_name":"ci","model":"m","backend":null,"endpoint":"messages",\
        "stream":true,"status":200,"input_tokens":12,"output_tokens":7,"cache_read_input_tokens":3,\
        "cache_creation_input_tokens":0,"cache_hit":false,"duration_ms":1.5,"policies":"","client_certificate":null}
        """

    @Test func aJournalLineOfThePreviousVersionStillReads() throws {
        let record = try #require(UsageRecord(journalLine: Array(Self.lineWithoutSessions.utf8)))
        #expect(record.outputTokens == 7 && record.status == 200)
        #expect(record.sessionID == nil && record.agentID == nil && record.parentAgentID == nil)
    }

    @Test func sessionIdsSurviveTheJournalLine() {
        let original = record(session: "s-1", agent: "a-2", parent: "a-1")
        #expect(UsageRecord(journalLine: original.journalLine.dropLast()) == original)
    }

    @Test(arguments: StoreKind.allCases) func usageIsTotalledPerSessionAndAgent(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store, _ in
            try await store.recordUsage(
                [
                    record(session: "s-1", agent: "main"), record(session: "s-1", agent: "sub", parent: "main"),
                    record(session: "s-1", agent: "sub", parent: "main"), record(session: "s-2", agent: "main"),
                    record(session: nil),
                ], journal: "j", segment: 1)
            let sessions = try await store.usageSummary(since: Date(timeIntervalSince1970: 0), until: nil, keyName: nil, by: .session)
            #expect(
                sessions.map { [$0.session, "\($0.requests)", "\($0.outputTokens)"] } == [
                    ["s-1", "3", "15"], ["-", "1", "5"], ["s-2", "1", "5"],
                ])
            #expect(sessions.allSatisfy { $0.model == nil && $0.agent == nil && $0.keyName == "ci" })
            let agents = try await store.usageSummary(since: Date(timeIntervalSince1970: 0), until: nil, keyName: "ci", by: .agent)
            #expect(agents.map { [$0.session, $0.agent, "\($0.requests)"] }.first == ["s-1", "sub", "2"])
            #expect(agents.count == 4)
            let copied = try await store.usage(afterID: 0, limit: 10)
            #expect(copied.map(\.parentAgentID) == [nil, "main", "main", nil, nil])
        }
    }
}

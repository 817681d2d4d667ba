public import Foundation
internal import PostgresNIO
public import SluiceStore

extension PostgresStore {
    public func recordAudit(_ entry: AuditEntry) async throws {
        try await run { client in
            try await client.query(
                """
                INSERT INTO audit_log (at, actor, action, target, details)
                VALUES (\(entry.at), \(entry.actor), \(entry.action), \(entry.target), \(entry.details))
                """)
        }
    }

    public func auditEntries(since: Date) async throws -> [AuditEntry] {
        try await run { client in
            try await client.query("SELECT id, at, actor, action, target, details FROM audit_log WHERE at >= \(since) ORDER BY at, id")
                .collect().map { row in
                    let (id, at, actor, action, target, details) = try row.decode((Int64, Date, String, String, String, String).self)
                    return AuditEntry(id: id, at: at, actor: actor, action: action, target: target, details: details)
                }
        }
    }
}

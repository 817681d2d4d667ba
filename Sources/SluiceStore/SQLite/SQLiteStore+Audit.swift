public import Foundation
internal import GRDB

extension SQLiteStore {
    public func recordAudit(_ entry: AuditEntry) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO audit_log (at, actor, action, target, details) VALUES (?, ?, ?, ?, ?)",
                arguments: [entry.at, entry.actor, entry.action, entry.target, entry.details])
        }
    }

    public func auditEntries(since: Date) async throws -> [AuditEntry] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, at, actor, action, target, details FROM audit_log WHERE at >= ? ORDER BY at, id", arguments: [since]
            ).map { row in
                AuditEntry(
                    id: row["id"], at: row["at"], actor: row["actor"], action: row["action"], target: row["target"], details: row["details"]
                )
            }
        }
    }
}

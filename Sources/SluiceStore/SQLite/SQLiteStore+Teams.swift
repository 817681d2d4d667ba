internal import Foundation
public import GRDB
internal import SluiceCore
public import SluicePolicy

extension Team: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { "teams" }
}

extension BudgetPeriod: DatabaseValueConvertible {}

extension SQLiteStore {
    public func insertTeam(_ team: Team) async throws {
        do {
            try await pool.write { db in try team.insert(db) }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            throw SluiceError.invalidRequest("a team named '\(team.name)' already exists")
        }
    }

    public func updateTeam(_ team: Team) async throws {
        try await pool.write { db in try team.update(db) }
    }

    public func team(named name: String) async throws -> Team? {
        try await pool.read { db in try Team.fetchOne(db, key: name) }
    }

    public func listTeams() async throws -> [Team] {
        try await pool.read { db in try Team.order(Column("name")).fetchAll(db) }
    }

    public func deleteTeam(named name: String) async throws -> Bool {
        try await pool.write { db in try Team.deleteOne(db, key: name) }
    }
}

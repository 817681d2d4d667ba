import Foundation
import GRDB
import SluiceStore

/// A fresh folder for one test's database files, removed when `body` returns or throws.
func withTemporaryDatabasePath<Result>(_ body: (String) throws -> Result) throws -> Result {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-store-tests-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    return try body(folder.appendingPathComponent("sluice.sqlite").path)
}

/// A database with every migration applied, in a fresh folder removed afterwards.
func withTemporaryDatabase<Result>(_ body: (SluiceDatabase, String) throws -> Result) throws -> Result {
    try withTemporaryDatabasePath { path in try body(try SluiceDatabase(path: path), path) }
}

/// A read-only connection of its own, to look at the file as an attacker with a copy would.
func rawRows(at path: String, _ sql: String) throws -> [Row] {
    var configuration = Configuration()
    configuration.readonly = true
    let queue = try DatabaseQueue(path: path, configuration: configuration)
    return try queue.read { db in try Row.fetchAll(db, sql: sql) }
}

/// A whole second, so dates survive SQLite's millisecond text format unchanged.
let referenceDate = Date(timeIntervalSince1970: 1_760_000_000)

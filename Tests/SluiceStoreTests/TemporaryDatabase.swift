import Foundation
import GRDB
import SluicePostgres
import SluiceStore
import SluiceTestSupport
import Testing

/// The stores every store test runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

/// A fresh migrated store of `kind`; `openAnother` opens a second handle on the same database,
/// as the admin CLI or another replica would. Every handle is closed afterwards.
func withTemporaryStore(
    _ kind: StoreKind, _ body: (_ store: any GatewayStore, _ openAnother: () async throws -> any GatewayStore) async throws -> Void
) async throws {
    let location: String
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-store-tests-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    switch kind {
    case .sqlite: location = folder.appendingPathComponent("sluice.sqlite").path
    case .postgres: location = try TestPostgresCluster.shared.createDatabase()
    }
    var opened: [any GatewayStore] = []
    func open() async throws -> any GatewayStore {
        let store: any GatewayStore
        switch kind {
        case .sqlite: store = try SQLiteStore(path: location)
        case .postgres: store = try await PostgresStore.open(url: location, poolSize: 4)
        }
        opened.append(store)
        return store
    }
    do {
        try await body(try await open(), open)
    } catch {
        for store in opened { await store.close() }
        throw error
    }
    for store in opened { await store.close() }
}

/// A fresh folder for one test's database files, removed when `body` returns or throws.
func withTemporaryDatabasePath<Result>(_ body: (String) async throws -> Result) async throws -> Result {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-store-tests-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    return try await body(folder.appendingPathComponent("sluice.sqlite").path)
}

/// A SQLite database with every migration applied, in a fresh folder removed afterwards.
func withTemporaryDatabase<Result>(_ body: (SQLiteStore, String) async throws -> Result) async throws -> Result {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-store-tests-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("sluice.sqlite").path
    return try await body(try SQLiteStore(path: path), path)
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

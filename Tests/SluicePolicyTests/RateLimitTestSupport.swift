import Foundation
import SluiceCore
import SluicePolicy
import SluiceStore
import Synchronization

/// A clock the test moves by hand, for ledgers and caches.
final class PolicyTestClock: Sendable {
    /// 2025-10-09T08:53:20Z, a whole second so dates survive SQLite's text format.
    static let start = Date(timeIntervalSince1970: 1_760_000_000)

    private let current: Mutex<Date>

    init(_ start: Date = PolicyTestClock.start) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    func set(_ date: Date) {
        current.withLock { $0 = date }
    }

    /// The closure ledgers and caches take.
    var reading: @Sendable () -> Date { { self.now } }
}

/// A fresh folder for one test's database, removed when `body` returns or throws.
func withScratchDatabasePath<Result>(_ body: (String) async throws -> Result) async throws -> Result {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-policy-tests-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    return try await body(folder.appendingPathComponent("sluice.sqlite").path)
}

func policyContext(key: String = "key_a", bypassCache: Bool = false, limits: KeyLimits = KeyLimits()) -> PolicyContext {
    PolicyContext(
        keyID: key, keyName: "name-\(key)", policyName: "default", requestID: "req_\(UUID().uuidString)",
        bypassCache: bypassCache, keyLimits: limits)
}

/// The value of the header `name` a session reports, if any.
func header(_ name: String, of session: any PolicySession) -> String? {
    session.responseHeaders.first { $0.name == name }?.value
}

extension PolicyVerdict {
    var refusal: SluiceError? {
        if case .refuse(let error) = self { return error }
        return nil
    }

    var answer: ChatResponse? {
        if case .respond(let response) = self { return response }
        return nil
    }

    var proceeds: Bool {
        if case .proceed = self { return true }
        return false
    }
}

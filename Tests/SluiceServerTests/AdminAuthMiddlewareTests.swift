import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SluiceCore
import SluiceStore
import Testing

@testable import SluiceServer

/// Who ``AdminAuthMiddleware`` lets in: admin keys, and console sessions through the verifier
/// the console installs; everyone else with a 401 or 403.
@Suite struct AdminAuthMiddlewareTests {
    /// A console stand-in: the session `good` belongs to erin; changes need the token `t0k`.
    struct FakeSessions: AdminSessionVerifier {
        func verify(cookieHeader: String, method: HTTPRequest.Method, csrfToken: String?) async -> AdminSessionVerdict {
            guard cookieHeader.contains("sluice_session=") else { return .noSession }
            guard cookieHeader.contains("sluice_session=good") else { return .refused(SluiceError(.authentication, "session expired")) }
            if method != .get, csrfToken != "t0k" { return .refused(SluiceError(.permission, "missing CSRF token")) }
            return .admin(name: "erin")
        }
    }

    private func request(_ method: HTTPRequest.Method = .get, key: String? = nil, cookie: String? = nil, csrf: String? = nil) -> Request {
        var fields = HTTPFields()
        if let key { fields[.authorization] = "Bearer \(key)" }
        if let cookie { fields[.cookie] = cookie }
        if let csrf { fields[.csrfToken] = csrf }
        return Request(
            head: HTTPRequest(method: method, scheme: "http", authority: "localhost", path: "/admin/api/keys", headerFields: fields),
            body: RequestBody(buffer: ByteBuffer()))
    }

    private func category(of body: () async throws -> String) async -> SluiceError.Category? {
        do {
            _ = try await body()
            return nil
        } catch let error as SluiceError {
            return error.category
        } catch {
            return .internalFailure
        }
    }

    @Test func keysAndSessionsAreCheckedInOnePlace() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-admin-auth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("sluice.sqlite").path)
        let admin = try await store.createKey(name: "alice", role: .admin).secret
        let plain = try await store.createKey(name: "bob").secret
        let keys = AuthenticationCache(store: store)
        let withSessions = AdminAuthMiddleware(keys: keys, sessions: FakeSessions())
        let keysOnly = AdminAuthMiddleware(keys: keys, sessions: nil)

        #expect(try await keysOnly.authenticate(request(key: admin)) == "alice")
        #expect(await category { try await keysOnly.authenticate(request(key: plain)) } == .permission)
        #expect(await category { try await keysOnly.authenticate(request()) } == .authentication)
        #expect(await category { try await keysOnly.authenticate(request(cookie: "sluice_session=good")) } == .authentication)

        #expect(try await withSessions.authenticate(request(cookie: "theme=dark; sluice_session=good")) == "erin")
        #expect(try await withSessions.authenticate(request(.post, cookie: "sluice_session=good", csrf: "t0k")) == "erin")
        #expect(await category { try await withSessions.authenticate(request(.post, cookie: "sluice_session=good")) } == .permission)
        #expect(await category { try await withSessions.authenticate(request(cookie: "sluice_session=old")) } == .authentication)
        #expect(await category { try await withSessions.authenticate(request(cookie: "theme=dark")) } == .authentication)
        // A key, when presented, decides: a plain key with a good session is still refused.
        #expect(await category { try await withSessions.authenticate(request(key: plain, cookie: "sluice_session=good")) } == .permission)
        await store.close()
    }
}

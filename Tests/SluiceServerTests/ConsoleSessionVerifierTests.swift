import Foundation
import HTTPTypes
import HummingbirdCore
import SluiceCore
import SluiceStore
import Testing

@testable import SluiceServer

/// What the console's session tells the admin API, and the cookies and pages the console sends.
@Suite struct ConsoleSessionVerifierTests {
    static let settings = ConsoleSessionSettings(idleTimeout: .seconds(3600), lifetime: .seconds(43200), secure: false)

    func withVerifier(_ body: (ConsoleAuthenticator, any GatewayStore) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-console-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("sluice.sqlite").path)
        try await body(ConsoleAuthenticator(store: store, settings: Self.settings), store)
        await store.close()
    }

    @Test func aSessionReadsFreelyAndChangesOnlyWithItsCSRFToken() async throws {
        try await withVerifier { verifier, store in
            let admin = try await store.createKey(name: "root", role: .admin)
            let started = try await store.startConsoleSession(with: .adminKey(admin.record, secret: admin.secret), lifetime: .seconds(600))
            let cookie = "theme=dark; sluice_console=\(started.secret)"
            guard case .admin(let name) = await verifier.verify(cookieHeader: cookie, method: .get, csrfToken: nil) else {
                Issue.record("a read with the session was refused")
                return
            }
            #expect(name == "root")
            for token in [nil, "", String(repeating: "0", count: 64)] {
                guard case .refused(let error) = await verifier.verify(cookieHeader: cookie, method: .post, csrfToken: token) else {
                    Issue.record("a change without the right CSRF token was let through")
                    continue
                }
                #expect(error.category == .permission)
            }
            guard case .admin = await verifier.verify(cookieHeader: cookie, method: .delete, csrfToken: started.csrfToken) else {
                Issue.record("a change with the CSRF token was refused")
                return
            }
        }
    }

    @Test func noCookieIsNoSessionAndAnUnknownOneIsRefused() async throws {
        try await withVerifier { verifier, _ in
            guard case .noSession = await verifier.verify(cookieHeader: "theme=dark", method: .get, csrfToken: nil) else {
                Issue.record("no session cookie should be no session")
                return
            }
            let forged = "sluice_console=sluice_cs_" + String(repeating: "a", count: 43)
            guard case .refused(let error) = await verifier.verify(cookieHeader: forged, method: .get, csrfToken: nil) else {
                Issue.record("an unknown session was let through")
                return
            }
            #expect(error.category == .authentication)
        }
    }

    @Test func theSessionCookieIsHttpOnlyStrictAndScopedAndSecureOnlyOverTLS() {
        let plain = ConsoleCookies.session("sluice_cs_x", settings: Self.settings)
        #expect(plain == "sluice_console=sluice_cs_x; Path=/admin; Max-Age=43200; HttpOnly; SameSite=Strict")
        var tls = Self.settings
        tls.secure = true
        #expect(ConsoleCookies.session("sluice_cs_x", settings: tls).hasSuffix("; SameSite=Strict; Secure"))
        #expect(ConsoleCookies.clearSession(secure: false).contains("Max-Age=0"))
    }

    @Test func pagesEscapeWhatTheyShowAndForbidFramesAndInlineScript() {
        #expect(
            ConsolePage.escape(#"<script>alert("x")</script> & 'y'"#)
                == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;")
        let page = ConsolePage.message("Not an admin", "<b>mallory</b>", status: .forbidden)
        #expect(page.status == .forbidden)
        #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
        #expect(page.headers[.contentSecurityPolicy]?.contains("unsafe-inline") == false)
        #expect(page.headers[.cacheControl] == "no-store")
    }
}

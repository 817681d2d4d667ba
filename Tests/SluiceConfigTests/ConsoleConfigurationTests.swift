import SluiceConfig
import Testing

@Suite struct ConsoleConfigurationTests {
    @Test func theConsoleSectionIsReadWithEverySetting() throws {
        let configuration = try ConfigurationLoader.parse(
            yaml: """
                console:
                  session_idle: 30m
                  session_max: 8h
                  oidc:
                    issuer: https://login.example.com/realms/staff
                    client_id: sluice
                    client_secret_env: SLUICE_OIDC_SECRET
                    redirect_url: https://gateway.example.com/admin/sso/callback
                    scopes: [email, groups]
                    admins: [ada@example.com, grace@example.com]
                    admin_group_claim: {claim: groups, value: sluice-admins}
                    ca_file: /etc/ssl/private-ca.pem
                """)
        let console = configuration.console
        #expect(console.sessionIdleTimeout == .seconds(1800))
        #expect(console.sessionLifetime == .seconds(8 * 3600))
        var expected = OpenIDConfiguration(issuer: "https://login.example.com/realms/staff", clientID: "sluice")
        expected.clientSecretEnvironmentVariable = "SLUICE_OIDC_SECRET"
        expected.redirectURL = "https://gateway.example.com/admin/sso/callback"
        expected.scopes = ["openid", "email", "groups"]
        expected.admins = ["ada@example.com", "grace@example.com"]
        expected.adminGroupClaim = .init(claim: "groups", value: "sluice-admins")
        expected.caFile = "/etc/ssl/private-ca.pem"
        #expect(console.openID == expected)
    }

    @Test func withoutTheSectionSessionsLastTwelveHoursAndThereIsNoSSO() throws {
        let console = try ConfigurationLoader.parse(yaml: "listen: 127.0.0.1:9000").console
        #expect(console.sessionLifetime == .seconds(12 * 3600))
        #expect(console.sessionIdleTimeout == .seconds(3600))
        #expect(console.openID == nil)
    }

    @Test(arguments: [
        ("console: {oidc: {client_id: a, admins: [x@y.z]}}", "needs issuer and client_id"),
        ("console: {oidc: {issuer: login.example.com, client_id: a, admins: [x@y.z]}}", "https:// URL"),
        ("console: {oidc: {issuer: https://i, client_id: a}}", "admins"),
        ("console: {oidc: {issuer: https://i, client_id: a, admin_group_claim: {claim: groups}}}", "needs claim and value"),
        ("console: {session_max: 0s}", "longer than zero"),
        ("console: {theme: dark}", "unknown key 'theme'"),
    ])
    func aBadConsoleSettingIsRefusedWithItsLine(yaml: String, message: String) {
        #expect {
            try ConfigurationLoader.parse(yaml: "listen: 127.0.0.1:9000\n" + yaml, file: "sluice.yaml")
        } throws: { error in
            let error = error as? ConfigurationError
            return error?.message.contains(message) == true && error?.line == 2
        }
    }
}

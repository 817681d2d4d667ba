extension ConfigurationLoader {
    static func parseConsole(_ node: YAMLCursor) throws(ConfigurationError) -> ConsoleConfiguration {
        var console = ConsoleConfiguration()
        for (key, value) in try node.entries(allowed: ["session_idle", "session_max", "oidc"]) {
            switch key {
            case "session_idle": console.sessionIdleTimeout = try value.duration()
            case "session_max": console.sessionLifetime = try value.duration()
            default: console.openID = try parseOpenID(value)
            }
        }
        guard console.sessionIdleTimeout > .zero, console.sessionLifetime > .zero else {
            throw node.error("console session_idle and session_max must be longer than zero")
        }
        return console
    }

    private static func parseOpenID(_ node: YAMLCursor) throws(ConfigurationError) -> OpenIDConfiguration {
        let entries = try node.entries(allowed: [
            "issuer", "client_id", "client_secret_env", "redirect_url", "scopes", "admins", "admin_group_claim", "ca_file",
        ])
        var values: [String: YAMLCursor] = [:]
        for (key, value) in entries { values[key] = value }
        guard let issuerNode = values["issuer"], let clientNode = values["client_id"] else {
            throw node.error("console oidc needs issuer and client_id")
        }
        let issuer = try issuerNode.string()
        guard issuer.hasPrefix("https://") || issuer.hasPrefix("http://") else {
            throw issuerNode.error("console oidc issuer must be an https:// URL, e.g. https://accounts.example.com")
        }
        var openID = OpenIDConfiguration(issuer: issuer, clientID: try clientNode.string())
        for (key, value) in entries {
            switch key {
            case "client_secret_env": openID.clientSecretEnvironmentVariable = try value.string()
            case "redirect_url":
                let url = try value.string()
                guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                    throw value.error("console oidc redirect_url must be an absolute URL ending in /admin/sso/callback")
                }
                openID.redirectURL = url
            case "scopes":
                openID.scopes = try value.list().map { (item) throws(ConfigurationError) in try item.string() }
                if !openID.scopes.contains("openid") { openID.scopes.insert("openid", at: 0) }
            case "admins": openID.admins = try value.list().map { (item) throws(ConfigurationError) in try item.string() }
            case "admin_group_claim":
                var claim: String?
                var expected: String?
                for (field, fieldValue) in try value.entries(allowed: ["claim", "value"]) {
                    if field == "claim" { claim = try fieldValue.string() } else { expected = try fieldValue.string() }
                }
                guard let claim, let expected else { throw value.error("admin_group_claim needs claim and value") }
                openID.adminGroupClaim = .init(claim: claim, value: expected)
            case "ca_file": openID.caFile = try value.string()
            default: break
            }
        }
        if openID.admins.isEmpty, openID.adminGroupClaim == nil {
            throw node.error("console oidc needs admins (email addresses) or admin_group_claim, or nobody could sign in")
        }
        return openID
    }
}

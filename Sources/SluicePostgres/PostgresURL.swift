internal import Foundation
internal import NIOSSL
internal import PostgresNIO
internal import SluiceStore

/// A `postgres://USER:PASSWORD@HOST:PORT/DB?sslmode=MODE` URL, as libpq reads it.
///
/// `sslmode` is `disable`, `prefer` (the default: TLS when the server offers it), `require`
/// (TLS, any certificate) or `verify-full` (TLS, certificate checked against the system's roots,
/// or the PEM file `sslrootcert` names, and the host name). The password may come from an
/// environment variable instead of the URL, so the URL can sit in a configuration file.
struct PostgresURL: Sendable {
    var host: String
    var port: Int
    var user: String
    var password: String?
    var database: String
    var sslMode: String
    /// The CA certificates `verify-full` trusts instead of the system's.
    var sslRootCertificate: String?

    init(_ text: String, passwordEnvironmentVariable: String? = nil) throws(StoreOpeningError) {
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw .invalidURL("cannot read the PostgreSQL URL (expected postgres://USER:PASSWORD@HOST:PORT/DB)")
        }
        guard let user = components.percentEncodedUser.flatMap({ $0.removingPercentEncoding }), !user.isEmpty else {
            throw .invalidURL("the PostgreSQL URL names no user (postgres://USER@HOST/DB)")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw .invalidURL("the PostgreSQL URL names no database (postgres://USER@HOST/DB)") }
        self.host = host
        self.port = components.port ?? 5432
        self.user = user
        self.database = database.removingPercentEncoding ?? database
        self.password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        if password == nil, let variable = passwordEnvironmentVariable {
            guard let value = ProcessInfo.processInfo.environment[variable] else {
                throw .invalidURL("database_password_env names \(variable), which is not set")
            }
            password = value
        }
        sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        sslRootCertificate = components.queryItems?.first { $0.name == "sslrootcert" }?.value
        if let path = sslRootCertificate, !FileManager.default.isReadableFile(atPath: path) {
            throw .invalidURL("sslrootcert=\(path) cannot be read")
        }
        guard ["disable", "prefer", "require", "verify-full"].contains(sslMode) else {
            throw .invalidURL("sslmode=\(sslMode) is not supported: use disable, prefer, require or verify-full")
        }
    }

    /// Where the database is, for logs: the URL without its password.
    var redacted: String { "postgres://\(user)@\(host):\(port)/\(database)?sslmode=\(sslMode)" }

    func clientConfiguration(poolSize: Int) throws -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable": tls = .disable
        case "require":
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            tls = .require(configuration)
        case "verify-full":
            var configuration = TLSConfiguration.makeClientConfiguration()
            if let sslRootCertificate {
                do {
                    configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(sslRootCertificate))
                } catch {
                    throw StoreOpeningError.invalidURL("sslrootcert=\(sslRootCertificate) holds no PEM certificate")
                }
            }
            tls = .require(configuration)
        default: tls = .prefer(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.maximumConnections = max(1, poolSize)
        configuration.options.minimumConnections = min(2, max(1, poolSize))
        // Unreachable should be found out in seconds: requests wait on it.
        configuration.options.connectTimeout = .seconds(3)
        return configuration
    }
}

public import Foundation
internal import SluiceCore
internal import Yams

/// Builds a ``SluiceConfiguration`` from embedded defaults, then a YAML file, then the environment.
///
/// The YAML is read strictly: an unknown key, a value of the wrong type or a route to a backend
/// that does not exist is an error naming the file, the line and the key.
public enum ConfigurationLoader {
    /// - Parameters:
    ///   - path: the YAML file; `nil` uses the embedded defaults alone.
    ///   - environment: `SLUICE_DATABASE` and `SLUICE_LISTEN` override the file.
    public static func load(
        path: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> SluiceConfiguration {
        var configuration = SluiceConfiguration()
        if let path {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ConfigurationError("cannot read the configuration file", file: path)
            }
            configuration = try parse(yaml: text, file: path)
        }
        if let database = environment["SLUICE_DATABASE"], !database.isEmpty {
            configuration.database = database
        }
        if let listen = environment["SLUICE_LISTEN"], !listen.isEmpty {
            let (host, port) = try parseListen(listen, line: nil, file: "SLUICE_LISTEN")
            configuration.host = host
            configuration.port = port
        }
        return configuration
    }

    /// Parses the YAML text of a configuration file.
    public static func parse(yaml text: String, file: String? = nil) throws(ConfigurationError) -> SluiceConfiguration {
        var configuration = SluiceConfiguration()
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw .invalidYAML(error, file: file)
        }
        guard let root else { return configuration }
        let document = YAMLCursor(node: root, path: "", file: file)
        var backendNodes: [YAMLCursor] = []
        var routeNodes: [YAMLCursor] = []
        for (key, value) in try document.entries(allowed: [
            "listen", "database", "database_pool", "database_password_env", "usage_journal", "policies_dir", "default_policy", "body_limit",
            "tls",
            "shutdown_grace", "keepalive_interval",
            "header_timeout", "body_timeout", "idle_timeout", "request_timeout", "max_connections", "response_retention", "backends",
            "routes", "prices", "telemetry", "console",
        ]) {
            switch key {
            case "listen": (configuration.host, configuration.port) = try parseListen(value.string(), line: value.line, file: file)
            case "database": configuration.database = try value.string()
            case "database_pool": configuration.databasePoolSize = try value.positiveInt()
            case "database_password_env": configuration.databasePasswordEnvironmentVariable = try value.string()
            case "usage_journal": configuration.usageJournal = try value.string()
            case "policies_dir": configuration.policiesDirectory = try value.string()
            case "default_policy": configuration.defaultPolicy = try value.string()
            case "body_limit": configuration.bodyLimit = try value.positiveInt()
            case "shutdown_grace": configuration.shutdownGracePeriod = try value.duration()
            case "keepalive_interval": configuration.keepAliveInterval = try value.duration()
            case "header_timeout": configuration.connectionLimits.headerTimeout = try value.duration()
            case "body_timeout": configuration.connectionLimits.bodyTimeout = try value.duration()
            case "idle_timeout": configuration.connectionLimits.idleTimeout = try value.duration()
            case "max_connections": configuration.connectionLimits.maxConnections = try value.positiveInt()
            case "request_timeout": configuration.requestTimeout = try value.duration()
            case "response_retention": configuration.responseRetention = try value.duration()
            case "tls": configuration.tls = try parseTLS(value)
            case "telemetry": configuration.telemetry = try parseTelemetry(value)
            case "console": configuration.console = try parseConsole(value)
            case "backends":
                backendNodes = try value.list()
                configuration.backends = try backendNodes.map(parseBackend)
            case "routes":
                routeNodes = try value.list()
                configuration.routes = try routeNodes.map(parseRoute)
            case "prices": configuration.prices = try value.list().map(parsePrice)
            default: break
            }
        }
        try validateReferences(configuration, backendNodes: backendNodes, routeNodes: routeNodes)
        return configuration
    }

    private static func parseTLS(_ node: YAMLCursor) throws(ConfigurationError) -> TLSFiles {
        let entries = try node.entries(allowed: ["cert_file", "key_file", "client_ca_file"])
        var values: [String: String] = [:]
        for (key, value) in entries { values[key] = try value.string() }
        guard let certificate = values["cert_file"], let key = values["key_file"] else {
            throw node.error("tls needs both cert_file and key_file")
        }
        return TLSFiles(certificateFile: certificate, keyFile: key, clientCAFile: values["client_ca_file"])
    }

    private static func parseBackend(_ node: YAMLCursor) throws(ConfigurationError) -> BackendConfiguration {
        let entries = try node.entries(allowed: [
            "name", "type", "url", "urls", "balance", "affinity", "health_check", "api_key_env", "headers", "connect_timeout",
            "read_timeout",
            "max_attempts",
            "system_messages", "keep_billing_header", "extended_sampling", "reasoning", "model", "context", "parallel", "threads", "batch",
            "max_output_tokens", "ca_file", "embeddings", "gpu_layers", "main_gpu", "tensor_split", "flash_attention",
            "cache_type_k", "cache_type_v",
        ])
        guard let name = try entries.first(where: { $0.key == "name" })?.value.string() else {
            throw node.error("a backend needs a name")
        }
        guard let kindNode = entries.first(where: { $0.key == "type" })?.value else {
            throw node.error(
                "backend '\(name)' needs a type (\(BackendConfiguration.Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var backend = BackendConfiguration(name: name, kind: try kindNode.oneOf(BackendConfiguration.Kind.self))
        for (key, value) in entries {
            switch key {
            case "url", "urls":
                guard backend.replicas.isEmpty else { throw value.error("backend '\(name)' takes url or urls, not both") }
                backend.replicas =
                    key == "url"
                    ? [.init(url: try value.string())]
                    : try value.list().map { (item) throws(ConfigurationError) in try parseReplica(item) }
                if backend.replicas.isEmpty { throw value.error("backend '\(name)': urls lists no URL") }
            case "headers": backend.headers = try parseHeaders(value)
            case "balance": backend.balance = try value.oneOf(BackendConfiguration.Balance.self)
            case "affinity": backend.affinity = try value.oneOf(BackendConfiguration.Affinity.self)
            case "health_check": backend.healthCheck = try parseHealthCheck(value)
            case "api_key_env": backend.apiKeyEnvironmentVariable = try value.string()
            case "connect_timeout": backend.connectTimeout = try value.duration()
            case "read_timeout": backend.readTimeout = try value.duration()
            case "max_attempts": backend.maxAttempts = try value.positiveInt()
            case "max_output_tokens": backend.maxOutputTokens = try value.positiveInt()
            case "ca_file": backend.caFile = try value.string()
            case "system_messages": backend.systemMessages = try value.oneOf(BackendConfiguration.SystemMessagePlacement.self)
            case "keep_billing_header": backend.keepBillingHeader = try value.bool()
            case "extended_sampling": backend.extendedSampling = try value.bool()
            case "reasoning": backend.reasoning = try value.oneOf(BackendConfiguration.ReasoningControl.self)
            case "model", "context", "parallel", "threads", "batch", "embeddings", "gpu_layers", "main_gpu", "tensor_split",
                "flash_attention", "cache_type_k", "cache_type_v":
                guard backend.kind == .llama else {
                    throw value.error("backend type '\(backend.kind.rawValue)' does not take '\(key)' (only type 'llama' does)")
                }
                switch key {
                case "model": backend.modelPath = try value.string()
                case "context": backend.contextLength = try value.positiveInt()
                case "parallel": backend.parallel = try value.positiveInt()
                case "threads": backend.threads = try value.positiveInt()
                case "embeddings": backend.embeddings = try value.bool()
                case "gpu_layers": backend.gpuLayers = try value.string() == "all" ? nil : try value.nonNegativeInt()
                case "main_gpu": backend.mainGPU = try value.nonNegativeInt()
                case "tensor_split":
                    backend.tensorSplit = try value.list().map { (item) throws(ConfigurationError) in try item.nonNegativeNumber() }
                    if !backend.tensorSplit.isEmpty, backend.tensorSplit.allSatisfy({ $0 == 0 }) {
                        throw value.error("backend '\(name)': tensor_split gives every GPU a share of 0")
                    }
                case "flash_attention":
                    // `true` and `false`, as YAML writers may put them, mean on and off.
                    let text = try value.string()
                    let spelled: [String: BackendConfiguration.FlashAttention] = ["true": .on, "false": .off]
                    if let setting = spelled[text] {
                        backend.flashAttention = setting
                    } else {
                        backend.flashAttention = try value.oneOf(BackendConfiguration.FlashAttention.self)
                    }
                case "cache_type_k": backend.cacheTypeK = try value.oneOf(BackendConfiguration.CacheType.self)
                case "cache_type_v": backend.cacheTypeV = try value.oneOf(BackendConfiguration.CacheType.self)
                default: backend.batchSize = try value.positiveInt()
                }
            default: break
            }
        }
        if backend.kind != .llama, backend.replicas.isEmpty {
            throw node.error("backend '\(name)' needs a url")
        }
        if backend.kind == .llama {
            if !backend.replicas.isEmpty || !backend.headers.isEmpty {
                throw node.error("backend '\(name)' is the embedded engine: it takes a model file, not a url")
            }
            if backend.caFile != nil { throw node.error("backend '\(name)' is the embedded engine: it has no ca_file") }
            if backend.modelPath == nil { throw node.error("backend '\(name)' needs a model (a .gguf file)") }
            if backend.parallel > 256 { throw node.error("backend '\(name)': parallel is at most 256") }
            if backend.cacheTypeV != .f16, backend.flashAttention == .off {
                throw node.error("backend '\(name)': a quantized V cache (cache_type_v: q8_0) needs flash_attention auto or on")
            }
        }
        return backend
    }

    /// A replica: its URL, or a mapping with the URL and what only its requests carry.
    private static func parseReplica(_ node: YAMLCursor) throws(ConfigurationError) -> BackendConfiguration.Replica {
        if case .scalar = node.node { return .init(url: try node.string()) }
        var replica = BackendConfiguration.Replica(url: "")
        for (key, value) in try node.entries(allowed: ["url", "api_key_env", "headers"]) {
            switch key {
            case "url": replica.url = try value.string()
            case "api_key_env": replica.apiKeyEnvironmentVariable = try value.string()
            default: replica.headers = try parseHeaders(value)
            }
        }
        guard !replica.url.isEmpty else { throw node.error("a replica needs a url") }
        return replica
    }

    /// Header names and values. Names are lowercased; the ones Sluice sets itself are refused, so a
    /// typo cannot break the protocol.
    private static func parseHeaders(_ node: YAMLCursor) throws(ConfigurationError) -> [String: String] {
        var headers: [String: String] = [:]
        for (name, value) in try node.entries(allowed: nil) {
            let lowered = name.lowercased()
            guard !lowered.isEmpty, lowered.utf8.allSatisfy(isTokenByte) else {
                throw value.error("'\(name)' is not a header name")
            }
            guard !Self.protocolHeaders.contains(lowered) else {
                throw value.error("header '\(lowered)' is set by Sluice itself (the key goes in api_key_env)")
            }
            let text = try value.string()
            guard !text.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw value.error("header '\(lowered)' has a line break in its value")
            }
            headers[lowered] = text
        }
        return headers
    }

    /// RFC 9110's `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    private static let protocolHeaders: Set<String> = [
        "authorization", "x-api-key", "content-type", "content-length", "accept", "host", "transfer-encoding", "connection",
    ]

    private static func parseHealthCheck(_ node: YAMLCursor) throws(ConfigurationError) -> BackendConfiguration.HealthCheck {
        var check = BackendConfiguration.HealthCheck(path: "/models", interval: .seconds(10))
        for (key, value) in try node.entries(allowed: ["path", "interval"]) {
            switch key {
            case "path":
                check.path = try value.string()
                guard check.path.hasPrefix("/") else { throw value.error("health_check path must start with /") }
            default:
                check.interval = try value.duration()
                guard check.interval >= .milliseconds(100) else { throw value.error("health_check interval must be at least 100ms") }
            }
        }
        return check
    }

    /// `{match: GLOB, input: USD, output: USD, cache_read: USD, cache_write: USD}`, per million tokens.
    private static func parsePrice(_ node: YAMLCursor) throws(ConfigurationError) -> ModelPrice {
        var values: [String: Double] = [:]
        var match: String?
        for (key, value) in try node.entries(allowed: ["match", "input", "output", "cache_read", "cache_write"]) {
            if key == "match" { match = try value.string() } else { values[key] = try value.nonNegativeNumber() }
        }
        guard let match else { throw node.error("a price needs a match (a glob over model names, e.g. \"claude-sonnet-*\")") }
        guard let input = values["input"], let output = values["output"] else {
            throw node.error("price '\(match)' needs input and output (USD per million tokens)")
        }
        return ModelPrice(match: match, input: input, output: output, cacheRead: values["cache_read"], cacheWrite: values["cache_write"])
    }

    private static func parseRoute(_ node: YAMLCursor) throws(ConfigurationError) -> RouteConfiguration {
        var route = RouteConfiguration(match: "*", backends: [])
        var hasMatch = false
        for (key, value) in try node.entries(allowed: ["match", "backend", "backends", "model", "advertise", "display_name"]) {
            switch key {
            case "match":
                route.match = try value.string()
                hasMatch = true
            case "backend": route.backends = [try value.string()]
            case "backends": route.backends = try value.list().map { (item) throws(ConfigurationError) in try item.string() }
            case "model": route.model = try value.string()
            case "advertise": route.advertise = try value.string()
            case "display_name": route.displayName = try value.string()
            default: break
            }
        }
        guard hasMatch else { throw node.error("a route needs a match (a glob over model names, e.g. \"*\")") }
        guard !route.backends.isEmpty else { throw node.error("route '\(route.match)' needs a backend") }
        let literal = ModelGlob(route.match).isLiteral
        // A request for the advertised id goes upstream as the route's literal match or its model.
        if route.advertise != nil, !literal, route.model == nil {
            throw node.error("route '\(route.match)' advertises an id, so it needs a literal match or a model to send upstream")
        }
        if route.displayName != nil, route.advertise == nil, !literal, route.model == nil {
            throw node.error("route '\(route.match)' is not listed on /v1/models, so it takes no display_name (add advertise or model)")
        }
        return route
    }

    /// Backend names are unique and every route names configured backends; errors point at the entry's line.
    private static func validateReferences(
        _ configuration: SluiceConfiguration, backendNodes: [YAMLCursor], routeNodes: [YAMLCursor]
    ) throws(ConfigurationError) {
        var seen: Set<String> = []
        for (backend, node) in zip(configuration.backends, backendNodes) where !seen.insert(backend.name).inserted {
            throw node.error("two backends are named '\(backend.name)'")
        }
        var advertised: Set<String> = []
        for (route, node) in zip(configuration.routes, routeNodes) {
            for name in route.backends where !seen.contains(name) {
                throw node.error("route '\(route.match)' names backend '\(name)', which is not configured")
            }
            if let id = route.advertise, !advertised.insert(id).inserted {
                throw node.error("two routes advertise '\(id)'")
            }
        }
    }

    static func parseListen(_ text: String, line: Int?, file: String?) throws(ConfigurationError) -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
        else { throw ConfigurationError("listen must be HOST:PORT, e.g. 127.0.0.1:8765", file: file, line: line) }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            throw ConfigurationError("listen: write an IPv6 address in brackets with a port, e.g. [::1]:8765", file: file, line: line)
        }
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }
}

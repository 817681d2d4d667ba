import Foundation
import SluiceConfig
import SluiceCore
import Testing

@Suite struct ConfigurationLoaderTests {
    private static let fullExample = """
        # Every setting, with values unlike the defaults.
        listen: "[::1]:9000"
        database: /var/lib/sluice/sluice.sqlite
        policies_dir: /etc/sluice/policies
        default_policy: strict
        body_limit: 1048576
        shutdown_grace: 45s
        header_timeout: 5s
        body_timeout: 15s
        idle_timeout: 2m
        request_timeout: 20m
        max_connections: 100
        response_retention: 7d
        backends:
          - name: vllm
            type: openai
            url: http://10.0.0.5:8000/v1
            api_key_env: VLLM_API_KEY
            connect_timeout: 2s
            read_timeout: 5m
            max_attempts: 3
            system_messages: fold
            keep_billing_header: true
            extended_sampling: true
            reasoning: chat_template_kwargs
          - name: openai
            type: openai
            url: https://api.openai.com/v1
            api_key_env: OPENAI_API_KEY
            reasoning: reasoning_effort
            ca_file: /etc/ssl/private-ca.pem
          - name: anthropic
            type: anthropic
            url: https://api.anthropic.com/v1
            api_key_env: ANTHROPIC_API_KEY
          - name: responses
            type: openai_responses
            url: https://api.openai.com/v1
        routes:
          - match: "claude-*"
            backend: anthropic
          - match: "glm-5.2[1m]"
            backends: [vllm]
            model: glm-5.2
          - match: "*"
            backends: [vllm, openai]
            model: qwen3-coder
        """

    private static var fullConfiguration: SluiceConfiguration {
        var vllm = BackendConfiguration(name: "vllm", kind: .openai, url: "http://10.0.0.5:8000/v1")
        vllm.apiKeyEnvironmentVariable = "VLLM_API_KEY"
        vllm.connectTimeout = .seconds(2)
        vllm.readTimeout = .seconds(300)
        vllm.maxAttempts = 3
        vllm.systemMessages = .fold
        vllm.keepBillingHeader = true
        vllm.extendedSampling = true
        vllm.reasoning = .chatTemplateKwargs
        var openai = BackendConfiguration(name: "openai", kind: .openai, url: "https://api.openai.com/v1")
        openai.apiKeyEnvironmentVariable = "OPENAI_API_KEY"
        openai.reasoning = .reasoningEffort
        openai.caFile = "/etc/ssl/private-ca.pem"
        var anthropic = BackendConfiguration(name: "anthropic", kind: .anthropic, url: "https://api.anthropic.com/v1")
        anthropic.apiKeyEnvironmentVariable = "ANTHROPIC_API_KEY"

        var configuration = SluiceConfiguration()
        configuration.host = "::1"
        configuration.port = 9000
        configuration.database = "/var/lib/sluice/sluice.sqlite"
        configuration.policiesDirectory = "/etc/sluice/policies"
        configuration.defaultPolicy = "strict"
        configuration.bodyLimit = 1_048_576
        configuration.shutdownGracePeriod = .seconds(45)
        configuration.connectionLimits.headerTimeout = .seconds(5)
        configuration.connectionLimits.bodyTimeout = .seconds(15)
        configuration.connectionLimits.idleTimeout = .seconds(120)
        configuration.connectionLimits.maxConnections = 100
        configuration.requestTimeout = .seconds(1200)
        configuration.responseRetention = .seconds(7 * 86400)
        let responses = BackendConfiguration(name: "responses", kind: .openAIResponses, url: "https://api.openai.com/v1")
        configuration.backends = [vllm, openai, anthropic, responses]
        configuration.routes = [
            RouteConfiguration(match: "claude-*", backends: ["anthropic"]),
            RouteConfiguration(match: "glm-5.2[1m]", backends: ["vllm"], model: "glm-5.2"),
            RouteConfiguration(match: "*", backends: ["vllm", "openai"], model: "qwen3-coder"),
        ]
        return configuration
    }

    /// The error parsing `yaml` throws; fails the test when it parses.
    private func failure(_ yaml: String) throws -> ConfigurationError {
        try #require(throws: ConfigurationError.self) { try ConfigurationLoader.parse(yaml: yaml) }
    }

    /// Writes `text` to a file in a fresh folder, removed when `body` returns.
    private func withFile<Result>(_ text: String, _ body: (String) throws -> Result) throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-config-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("sluice.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try body(path)
    }

    // MARK: Values

    @Test func fullExampleParsesToExactValues() throws {
        #expect(try ConfigurationLoader.parse(yaml: Self.fullExample) == Self.fullConfiguration)
    }

    @Test func shippedExampleParses() throws {
        let example = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("deploy/sluice.example.yaml").path
        let configuration = try ConfigurationLoader.load(path: example, environment: [:])
        #expect(configuration.backends.map(\.name) == ["vllm", "openai", "anthropic"])
        #expect(configuration.routes.map(\.match) == ["claude-*", "gpt-*", "*"])
    }

    @Test func emptyFileGivesTheDefaults() throws {
        #expect(try ConfigurationLoader.parse(yaml: "") == SluiceConfiguration())
        #expect(try ConfigurationLoader.parse(yaml: "# nothing configured yet\n") == SluiceConfiguration())
    }

    @Test func defaultsAreTheDocumentedOnes() {
        let defaults = SluiceConfiguration()
        #expect(defaults.host == "127.0.0.1")
        #expect(defaults.port == 8765)
        #expect(defaults.database == "data/sluice.sqlite")
        #expect(defaults.bodyLimit == 32 * 1024 * 1024)
        #expect(defaults.shutdownGracePeriod == .seconds(30))
        let backend = BackendConfiguration(name: "b", kind: .openai)
        #expect(backend.connectTimeout == .seconds(10))
        #expect(backend.readTimeout == .seconds(600))
        #expect(backend.maxAttempts == 2)
        #expect(backend.systemMessages == .inline)
        #expect(!backend.keepBillingHeader)
        #expect(!backend.extendedSampling)
        #expect(backend.reasoning == .none)
    }

    @Test func settingsLeftOutKeepTheirDefaults() throws {
        let configuration = try ConfigurationLoader.parse(yaml: "database: keys.sqlite\n")
        var expected = SluiceConfiguration()
        expected.database = "keys.sqlite"
        #expect(configuration == expected)
    }

    @Test(arguments: [
        ("127.0.0.1:8765", "127.0.0.1", 8765),
        ("0.0.0.0:0", "0.0.0.0", 0),
        ("localhost:65535", "localhost", 65535),
        ("[::1]:9000", "::1", 9000),
        ("[::]:80", "::", 80),
        (":8080", "127.0.0.1", 8080),
    ])
    func listenSplitsHostAndPort(_ listen: String, _ host: String, _ port: Int) throws {
        let configuration = try ConfigurationLoader.parse(yaml: "listen: \"\(listen)\"\n")
        #expect(configuration.host == host)
        #expect(configuration.port == port)
    }

    @Test(arguments: ["localhost", "localhost:", "host:65536", "host:-1", "host:http", "[::1]"])
    func listenWithoutAValidPortIsRejected(_ listen: String) throws {
        let error = try failure("database: x\nlisten: \"\(listen)\"\n")
        #expect(error.message == "listen must be HOST:PORT, e.g. 127.0.0.1:8765")
        #expect(error.line == 2)
    }

    @Test func anEmptyListenIsRejected() throws {
        let error = try failure("database: x\nlisten: \"\"\n")
        #expect(error.message == "'listen' must not be empty")
        #expect(error.line == 2)
    }

    @Test func aBareIPv6ListenIsRejectedInsteadOfMisread() throws {
        let error = try failure("listen: \"::1:8080\"\n")
        #expect(error.message.contains("IPv6 address in brackets"))
    }

    @Test(arguments: ["database:\n", "database: ~\n", "database: \"\"\n"])
    func anEmptyValueIsRejected(_ yaml: String) throws {
        let error = try failure(yaml)
        #expect(error.message == "'database' must not be empty")
        #expect(error.line == 1)
    }

    @Test func aRouteToAMissingBackendPointsAtTheRoutesLine() throws {
        let yaml = """
            backends:
              - name: a
                type: openai
                url: http://x/v1
            routes:
              - match: "*"
                backend: missing
            """
        let error = try failure(yaml)
        #expect(error.message == "route '*' names backend 'missing', which is not configured")
        #expect(error.line == 6)
    }

    @Test func aDuplicateBackendPointsAtTheSecondOnesLine() throws {
        let yaml = """
            backends:
              - name: a
                type: openai
                url: http://x/v1
              - name: a
                type: openai
                url: http://y/v1
            """
        let error = try failure(yaml)
        #expect(error.message == "two backends are named 'a'")
        #expect(error.line == 5)
    }

    // MARK: Strictness

    @Test func unknownTopLevelKeyIsNamedWithItsLine() throws {
        let error = try failure("listen: 127.0.0.1:8765\ndatabase: keys.sqlite\nlisten_port: 9000\n")
        #expect(error.line == 3)
        #expect(error.message.contains("'listen_port'"))
        #expect(
            error.message.hasPrefix("unknown key 'listen_port' (expected one of: backends, body_limit, body_timeout, console, database,"))
    }

    @Test func unknownKeyInABackendIsNamedWithItsLine() throws {
        let yaml = """
            backends:
              - name: vllm
                type: openai
                url: http://127.0.0.1:8000/v1
                timeout: 30s
            """
        let error = try failure(yaml)
        #expect(error.line == 5)
        #expect(error.message.hasPrefix("unknown key 'timeout' in backends[0]"))
    }

    @Test func unknownKeyInARouteIsNamed() throws {
        let yaml = """
            backends:
              - {name: vllm, type: openai, url: "http://127.0.0.1:8000/v1"}
            routes:
              - match: "*"
                backend: vllm
              - match: "gpt-*"
                backend: vllm
                upstream: gpt-4o
            """
        let error = try failure(yaml)
        #expect(error.line == 8)
        #expect(error.message.hasPrefix("unknown key 'upstream' in routes[1]"))
    }

    @Test func errorDescriptionNamesFileAndLine() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.parse(yaml: "database: x\nbogus: 1\n", file: "/etc/sluice/sluice.yaml")
        }
        #expect(error.file == "/etc/sluice/sluice.yaml")
        #expect(error.description.hasPrefix("/etc/sluice/sluice.yaml:2: unknown key 'bogus'"))
    }

    @Test func bodyLimitMustBeAPositiveInteger() throws {
        let error = try failure("database: x\nbody_limit: abc\n")
        #expect(error.message == "'body_limit' must be a positive integer")
        #expect(error.line == 2)
        #expect(try failure("body_limit: 0").message == "'body_limit' must be a positive integer")
        #expect(try failure("body_limit: -5").message == "'body_limit' must be a positive integer")
        #expect(try failure("body_limit: 1.5").message == "'body_limit' must be a positive integer")
    }

    @Test func wrongTypesInABackendNameTheField() throws {
        let base = "backends:\n  - name: vllm\n    type: openai\n    url: http://h/v1\n"
        let sampling = try failure(base + "    extended_sampling: maybe\n")
        #expect(sampling.message == "'backends[0].extended_sampling' must be true or false")
        #expect(sampling.line == 5)
        #expect(try failure(base + "    max_attempts: zero\n").message == "'backends[0].max_attempts' must be a positive integer")
        #expect(try failure(base + "    read_timeout: 10\n").message.hasPrefix("'backends[0].read_timeout' must be a duration"))
        #expect(try failure(base + "    api_key_env: [a, b]\n").message == "'backends[0].api_key_env' must be a string")
        #expect(
            try failure(base + "    system_messages: hoist\n").message
                == "'backends[0].system_messages' must be one of: inline, fold (got 'hoist')")
        #expect(
            try failure(base + "    reasoning: think\n").message
                == "'backends[0].reasoning' must be one of: none, reasoning_effort, chat_template_kwargs (got 'think')")
    }

    @Test func unknownBackendTypeIsNamed() throws {
        let error = try failure("backends:\n  - name: vllm\n    type: foo\n    url: http://h/v1\n")
        #expect(error.message == "'backends[0].type' must be one of: openai, openai_responses, anthropic, llama (got 'foo')")
        #expect(error.line == 3)
    }

    @Test func backendNeedsNameTypeAndURL() throws {
        #expect(try failure("backends:\n  - type: openai\n    url: http://h/v1\n").message == "a backend needs a name")
        #expect(try failure("backends:\n  - name: vllm\n    url: http://h/v1\n").message.hasPrefix("backend 'vllm' needs a type"))
        #expect(try failure("backends:\n  - name: vllm\n    type: openai\n").message == "backend 'vllm' needs a url")
    }

    @Test func replicasMayCarryTheirOwnKeyAndHeaders() throws {
        let configuration = try ConfigurationLoader.parse(
            yaml: """
                backends:
                  - name: qwen
                    type: openai
                    api_key_env: POOL_KEY
                    headers: {X-Org: team-a}
                    urls:
                      - http://gpu-a:8000/v1
                      - url: http://gpu-b:8000/v1
                        api_key_env: GPU_B_KEY
                        headers: {x-org: team-b, X-Tenant: b}
                """)
        let backend = try #require(configuration.backends.first)
        #expect(backend.headers == ["x-org": "team-a"])
        #expect(
            backend.replicas == [
                .init(url: "http://gpu-a:8000/v1"),
                .init(url: "http://gpu-b:8000/v1", apiKeyEnvironmentVariable: "GPU_B_KEY", headers: ["x-org": "team-b", "x-tenant": "b"]),
            ])
    }

    @Test func replicaHeadersThatWouldBreakTheProtocolAreRefused() throws {
        let pool = "backends:\n  - name: q\n    type: openai\n    urls:\n      - url: http://h/v1\n        headers: {%@}\n"
        #expect(try failure(pool.replacingOccurrences(of: "%@", with: "Authorization: x")).message.contains("api_key_env"))
        #expect(try failure(pool.replacingOccurrences(of: "%@", with: "content-length: '3'")).message.contains("set by Sluice"))
        #expect(try failure(pool.replacingOccurrences(of: "%@", with: "'bad name': x")).message.contains("not a header name"))
        #expect(try failure(pool.replacingOccurrences(of: "%@", with: "x-a: \"1\\r\\nx-b: 2\"")).message.contains("line break"))
        #expect(
            try failure("backends:\n  - name: q\n    type: openai\n    urls:\n      - api_key_env: K\n").message == "a replica needs a url")
        #expect(
            try failure("backends:\n  - name: l\n    type: llama\n    model: m.gguf\n    headers: {x-a: b}\n").message.contains(
                "embedded engine"))
    }

    @Test func embeddedEngineTakesItsGPUSettings() throws {
        let configuration = try ConfigurationLoader.parse(
            yaml: """
                backends:
                  - name: local
                    type: llama
                    model: /models/q.gguf
                    gpu_layers: 20
                    main_gpu: 1
                    tensor_split: [3, 1]
                    flash_attention: on
                    cache_type_k: q8_0
                    cache_type_v: q8_0
                """)
        let backend = try #require(configuration.backends.first)
        #expect(backend.gpuLayers == 20 && backend.mainGPU == 1 && backend.tensorSplit == [3, 1])
        #expect(backend.flashAttention == .on && backend.cacheTypeK == .q8_0 && backend.cacheTypeV == .q8_0)
        let defaults = try ConfigurationLoader.parse(yaml: "backends:\n  - name: l\n    type: llama\n    model: m.gguf\n")
        #expect(defaults.backends.first?.gpuLayers == nil)
        #expect(defaults.backends.first?.flashAttention == .auto && defaults.backends.first?.cacheTypeV == .f16)
        let all = try ConfigurationLoader.parse(yaml: "backends:\n  - name: l\n    type: llama\n    model: m.gguf\n    gpu_layers: all\n")
        #expect(all.backends.first?.gpuLayers == nil)
    }

    @Test func gpuSettingsThatCannotWorkAreRefused() throws {
        let llama = "backends:\n  - name: l\n    type: llama\n    model: m.gguf\n"
        #expect(try failure(llama + "    gpu_layers: -1\n").message.contains("zero or a positive integer"))
        #expect(try failure(llama + "    tensor_split: [0, 0]\n").message.contains("share of 0"))
        #expect(try failure(llama + "    cache_type_k: q4_1\n").message.contains("f16, q8_0"))
        #expect(try failure(llama + "    flash_attention: off\n    cache_type_v: q8_0\n").message.contains("needs flash_attention"))
        #expect(
            try failure("backends:\n  - name: o\n    type: openai\n    url: http://h/v1\n    gpu_layers: 3\n").message.contains(
                "only type 'llama'"))
    }

    @Test func embeddedEngineTakesAModelAndItsSettings() throws {
        let configuration = try ConfigurationLoader.parse(
            yaml: """
                backends:
                  - name: local
                    type: llama
                    model: /models/q.gguf
                    context: 8192
                    parallel: 8
                    threads: 6
                    batch: 1024
                routes:
                  - match: "*"
                    backend: local
                """)
        let backend = try #require(configuration.backends.first)
        #expect(backend.kind == .llama)
        #expect(backend.replicas.isEmpty)
        #expect(backend.modelPath == "/models/q.gguf")
        #expect(backend.contextLength == 8192)
        #expect(backend.parallel == 8)
        #expect(backend.threads == 6)
        #expect(backend.batchSize == 1024)
        let defaults = try ConfigurationLoader.parse(yaml: "backends:\n  - name: local\n    type: llama\n    model: m.gguf\n")
        #expect(defaults.backends.first?.contextLength == nil)
        #expect(defaults.backends.first?.parallel == 4)
        #expect(defaults.backends.first?.threads == nil)
        #expect(defaults.backends.first?.batchSize == 2048)
    }

    @Test func embeddedEngineSettingsAreCheckedAndNamed() throws {
        let missing = try failure("backends:\n  - name: local\n    type: llama\n")
        #expect(missing.message == "backend 'local' needs a model (a .gguf file)")
        #expect(missing.line == 2)
        let url = try failure("backends:\n  - name: local\n    type: llama\n    model: m.gguf\n    url: http://h/v1\n")
        #expect(url.message == "backend 'local' is the embedded engine: it takes a model file, not a url")
        let caFile = try failure("backends:\n  - name: local\n    type: llama\n    model: m.gguf\n    ca_file: ca.pem\n")
        #expect(caFile.message == "backend 'local' is the embedded engine: it has no ca_file")
        let model = try failure("backends:\n  - name: local\n    type: openai\n    url: http://h/v1\n    model: /models/q.gguf\n")
        #expect(model.message == "backend type 'openai' does not take 'model' (only type 'llama' does)")
        #expect(model.line == 5)
        let context = try failure("backends:\n  - name: v\n    type: openai\n    url: http://h/v1\n    context: 4096\n")
        #expect(context.message == "backend type 'openai' does not take 'context' (only type 'llama' does)")
        let parallel = try failure("backends:\n  - name: local\n    type: llama\n    model: m.gguf\n    parallel: 0\n")
        #expect(parallel.line == 5)
        let tooParallel = try failure("backends:\n  - name: local\n    type: llama\n    model: m.gguf\n    parallel: 300\n")
        #expect(tooParallel.message == "backend 'local': parallel is at most 256")
        let unknown = try failure("backends:\n  - name: local\n    type: llama\n    model: m.gguf\n    gpus: 9\n")
        #expect(unknown.message.hasPrefix("unknown key 'gpus'"))
    }

    @Test func embeddingsMarkAnEmbeddedEngineModelAndOnlyOne() throws {
        let configuration = try ConfigurationLoader.parse(
            yaml: "backends:\n  - name: embed\n    type: llama\n    model: bge.gguf\n    embeddings: true\n")
        #expect(configuration.backends.first?.embeddings == true)
        let chat = try ConfigurationLoader.parse(yaml: "backends:\n  - name: local\n    type: llama\n    model: m.gguf\n")
        #expect(chat.backends.first?.embeddings == false)
        let remote = try failure("backends:\n  - name: v\n    type: openai\n    url: http://h/v1\n    embeddings: true\n")
        #expect(remote.message == "backend type 'openai' does not take 'embeddings' (only type 'llama' does)")
        let notABool = try failure("backends:\n  - name: embed\n    type: llama\n    model: m.gguf\n    embeddings: maybe\n")
        #expect(notABool.line == 5)
    }

    @Test func wrongTopLevelTypesNameTheField() throws {
        #expect(try failure("shutdown_grace: soon").message.hasPrefix("'shutdown_grace' must be a duration"))
        #expect(try failure("backends: vllm").message == "'backends' must be a list")
        #expect(try failure("routes: {match: x}").message == "'routes' must be a list")
        #expect(try failure("database: [a]").message == "'database' must be a string")
        #expect(try failure("just text").message == "the configuration must be a mapping")
        #expect(try failure("backends:\n  - vllm\n").message == "'backends[0]' must be a mapping")
    }

    @Test func invalidYAMLIsReported() throws {
        let error = try failure("listen: [unclosed\n")
        #expect(error.message.hasPrefix("invalid YAML"))
    }

    @Test func aYAMLSyntaxErrorGivesTheParsersLineAndColumnOnOneLine() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.parse(yaml: "database: x\nbackends: [\n", file: "/etc/sluice/sluice.yaml")
        }
        #expect((error.line, error.column) == (3, 1))
        #expect(error.description.hasPrefix("/etc/sluice/sluice.yaml:3:1: invalid YAML: "))
        #expect(!error.description.contains("\n"))
    }

    @Test func aPolicyFileSyntaxErrorGivesTheParsersLineAndColumnOnOneLine() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try PolicyDocument.parse(yaml: "stages: [content]\ncontent: [\n", name: "p", file: "policies/p.yaml")
        }
        #expect((error.line, error.column) == (3, 1))
        #expect(error.description.hasPrefix("policies/p.yaml:3:1: invalid YAML: "))
        #expect(!error.description.contains("\n"))
    }

    // MARK: References

    @Test func routeToAMissingBackendIsAnError() throws {
        let yaml = """
            backends:
              - {name: vllm, type: openai, url: "http://127.0.0.1:8000/v1"}
            routes:
              - match: "*"
                backends: [vllm, openai]
            """
        #expect(try failure(yaml).message == "route '*' names backend 'openai', which is not configured")
        #expect(try failure("routes:\n  - match: \"*\"\n    backend: ghost\n").message.contains("'ghost'"))
    }

    @Test func duplicateBackendNamesAreAnError() throws {
        let yaml = """
            backends:
              - {name: vllm, type: openai, url: "http://a/v1"}
              - {name: vllm, type: anthropic, url: "http://b/v1"}
            """
        #expect(try failure(yaml).message == "two backends are named 'vllm'")
    }

    @Test func routeNeedsAMatchAndABackend() throws {
        let backends = "backends:\n  - {name: vllm, type: openai, url: \"http://a/v1\"}\n"
        #expect(try failure(backends + "routes:\n  - backend: vllm\n").message.hasPrefix("a route needs a match"))
        #expect(try failure(backends + "routes:\n  - match: \"*\"\n").message == "route '*' needs a backend")
        #expect(try failure(backends + "routes:\n  - match: \"*\"\n    backends: []\n").message == "route '*' needs a backend")
    }

    // MARK: Loading

    @Test func loadWithoutAFileAppliesEnvironmentOverrides() throws {
        let configuration = try ConfigurationLoader.load(
            path: nil, environment: ["SLUICE_DATABASE": "x.db", "SLUICE_LISTEN": "0.0.0.0:9999", "HOME": "/root"])
        var expected = SluiceConfiguration()
        expected.database = "x.db"
        expected.host = "0.0.0.0"
        expected.port = 9999
        #expect(configuration == expected)
    }

    @Test func loadWithoutFileOrEnvironmentGivesDefaults() throws {
        #expect(try ConfigurationLoader.load(path: nil, environment: [:]) == SluiceConfiguration())
        #expect(
            try ConfigurationLoader.load(path: nil, environment: ["SLUICE_DATABASE": "", "SLUICE_LISTEN": ""]) == SluiceConfiguration())
    }

    @Test func environmentOverridesTheFile() throws {
        try withFile(Self.fullExample) { path in
            #expect(try ConfigurationLoader.load(path: path, environment: [:]) == Self.fullConfiguration)

            let configuration = try ConfigurationLoader.load(path: path, environment: ["SLUICE_LISTEN": "[::]:8000"])
            var expected = Self.fullConfiguration
            expected.host = "::"
            expected.port = 8000
            #expect(configuration == expected)
        }
    }

    @Test func invalidListenInTheEnvironmentNamesTheVariable() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(path: nil, environment: ["SLUICE_LISTEN": "9999"])
        }
        #expect(error.file == "SLUICE_LISTEN")
        #expect(error.description == "SLUICE_LISTEN: listen must be HOST:PORT, e.g. 127.0.0.1:8765")
    }

    @Test func fileErrorsNameTheFile() throws {
        try withFile("database: x\ndatabse: y\n") { path in
            let error = try #require(throws: ConfigurationError.self) { try ConfigurationLoader.load(path: path, environment: [:]) }
            #expect(error.file == path)
            #expect(error.line == 2)
            #expect(error.description.hasPrefix("\(path):2: unknown key 'databse'"))
        }
    }

    @Test func missingFileIsAnError() throws {
        let path = "/nonexistent/\(UUID().uuidString)/sluice.yaml"
        let error = try #require(throws: ConfigurationError.self) { try ConfigurationLoader.load(path: path, environment: [:]) }
        #expect(error.description == "\(path): cannot read the configuration file")
    }
}

@Suite struct PriceConfigurationTests {
    @Test func pricesAreReadInOrderWithCachePricesOptional() throws {
        let configuration = try ConfigurationLoader.parse(
            yaml: """
                prices:
                  - {match: "claude-sonnet-*", input: 3, output: 15, cache_read: 0.3, cache_write: 3.75}
                  - {match: "gpt-4o*", input: 2.5, output: 10}
                """)
        #expect(configuration.prices.map(\.match.pattern) == ["claude-sonnet-*", "gpt-4o*"])
        #expect(configuration.prices[0].cacheRead == 0.3 && configuration.prices[0].cacheWrite == 3.75)
        #expect(configuration.prices[1].cacheRead == 2.5 && configuration.prices[1].cacheWrite == 2.5)
    }

    @Test func aPriceWithoutMatchOrWithANegativeOrUnknownFieldIsRefusedWithItsLine() {
        for (yaml, message) in [
            ("prices:\n  - {input: 1, output: 2}", "needs a match"), ("prices:\n  - {match: x, input: 1}", "needs input and output"),
            ("prices:\n  - {match: x, input: -1, output: 2}", "must be a number, zero or more"),
            ("prices:\n  - {match: x, input: 1, output: 2, cached: 1}", "cached"),
        ] {
            #expect {
                try ConfigurationLoader.parse(yaml: yaml)
            } throws: { error in
                (error as? ConfigurationError)?.message.contains(message) == true && (error as? ConfigurationError)?.line == 2
            }
        }
    }
}

@Suite struct ShippedPricesTests {
    @Test func theShippedPriceListParsesAndItsNarrowGlobsComeFirst() throws {
        let file = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("deploy/prices.example.yaml").path
        let prices = PriceTable(try ConfigurationLoader.load(path: file, environment: [:]).prices)
        #expect(prices.price(of: "claude-sonnet-4-5-20250929")?.input == 3)
        #expect(prices.price(of: "claude-opus-4-5")?.output == 25)
        #expect(prices.price(of: "claude-opus-4-1")?.output == 75)
        #expect(prices.price(of: "gpt-5-mini")?.input == 0.25)
        #expect(prices.price(of: "gpt-4o-mini-2024-07-18")?.cacheRead == 0.075)
        #expect(prices.price(of: "qwen3-coder") == nil)
    }
}

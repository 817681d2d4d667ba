// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "sluice",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sluice", targets: ["sluice"]),
        .executable(name: "sluice-bench", targets: ["SluiceBench"]),
        .executable(name: "sluice-pii-bench", targets: ["SluicePIIBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        // OTLP/HTTP only: the gRPC exporter's packages would add minutes to every cold build.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/swift-otel/swift-w3c-trace-context.git", from: "1.0.0"),
        // ID-token signatures for the console's single sign-on; only SluiceSSO depends on it.
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
    ],
    targets: [
        // C libraries from Debian, each wrapped by exactly one Swift module.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8", providers: [.apt(["libpcre2-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // llama.cpp and Sluice's C++ chat shim, built outside the repository by scripts/build-llama.
        .systemLibrary(name: "CLlama", pkgConfig: "sluice-llama"),

        // Canonical request, response and stream events; errors; backend protocol. No HTTP, no C.
        .target(name: "SluiceCore", swiftSettings: swiftSettings),

        // Wire codecs: each protocol to and from the canonical model.
        .target(name: "SluiceAnthropic", dependencies: ["SluiceCore"], swiftSettings: swiftSettings),
        .target(name: "SluiceOpenAI", dependencies: ["SluiceCore"], swiftSettings: swiftSettings),

        // libcurl multi-interface HTTP client; knows nothing of LLMs.
        .target(
            name: "SluiceCurl",
            dependencies: ["CCurl", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // Remote backends (OpenAI- and Anthropic-compatible upstreams) over SluiceCurl.
        .target(
            name: "SluiceRemote",
            dependencies: [
                "SluiceCore", "SluiceAnthropic", "SluiceOpenAI", "SluiceCurl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),

        // SHA-256 through OpenSSL's libcrypto: key hashes and content-derived cache keys.
        .target(name: "SluiceCrypto", dependencies: ["CCrypto"], swiftSettings: swiftSettings),

        // The policy pipeline's built-in stages (pii, rate_limit, cache, content, rag), policy files, and
        // the storage protocols its stages need (implemented by the stores).
        .target(
            name: "SluicePolicy",
            dependencies: [
                "SluiceCore", "SluiceConfig", "SluiceCrypto", "CPCRE2",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // The embedded engine: llama.cpp through CLlama, continuous batching on one decode thread.
        .target(
            name: "SluiceLlama",
            dependencies: [
                "SluiceCore", "SluiceOpenAI", "CLlama",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),

        // YAML configuration.
        .target(
            name: "SluiceConfig",
            dependencies: ["SluiceCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),

        // The store: keys, usage and the policy stages' storage behind one protocol, the usage
        // journal, migrations for both dialects, and the SQLite implementation.
        .target(
            name: "SluiceStore",
            dependencies: ["SluiceCore", "SluicePolicy", "SluiceCrypto", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings,
            plugins: ["EmbedMigrations"]
        ),
        // The PostgreSQL implementation of the store, for several replicas on one database.
        .target(
            name: "SluicePostgres",
            dependencies: [
                "SluiceCore", "SluicePolicy", "SluiceStore", "SluiceCrypto",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "MigrationEmbedder", swiftSettings: swiftSettings),
        .plugin(name: "EmbedMigrations", capability: .buildTool(), dependencies: ["MigrationEmbedder"]),
        .executableTarget(name: "AssetEmbedder", swiftSettings: swiftSettings),
        .plugin(name: "EmbedConsoleAssets", capability: .buildTool(), dependencies: ["AssetEmbedder"]),

        // OpenTelemetry GenAI traces: settings from the environment and `telemetry:`, the OTLP exporter,
        // the request span and its children. Knows nothing of HTTP servers.
        .target(
            name: "SluiceTelemetry",
            dependencies: [
                "SluiceCore", "SluiceConfig",
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // OpenID Connect sign-in for the admin console: discovery, JWKS, the code exchange with PKCE,
        // ID-token checks. Knows nothing of HTTP servers; the only module that imports JWTKit.
        .target(
            name: "SluiceSSO",
            dependencies: [
                "SluiceCore", "SluiceCurl", "SluiceCrypto",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // The HTTP server: the only module that imports Hummingbird.
        .target(
            name: "SluiceServer",
            dependencies: [
                "SluiceCore", "SluiceAnthropic", "SluiceOpenAI", "SluiceRemote", "SluiceCurl", "SluiceConfig", "SluiceStore",
                "SluicePolicy", "SluiceLlama", "SluiceTelemetry", "SluiceSSO", "SluiceCrypto",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings,
            plugins: ["EmbedConsoleAssets"]
        ),

        // The `sluice` command: server and admin CLI.
        .executableTarget(
            name: "sluice",
            dependencies: [
                "SluiceCore", "SluiceConfig", "SluiceStore", "SluicePostgres", "SluiceServer", "SluicePolicy", "SluiceCrypto",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // `sluice-bench`: latency and throughput direct to a mock upstream vs through Sluice, side by side.
        .executableTarget(
            name: "SluiceBench",
            dependencies: [
                "SluiceCurl", "SluiceTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // `sluice-pii-bench`: time of the pii and content stages on a Claude-Code-sized request and a streamed response.
        .executableTarget(name: "SluicePIIBench", dependencies: ["SluiceCore", "SluicePolicy"], swiftSettings: swiftSettings),

        // Seeded fuzzing and the corpus of tricky inputs, shared by the parser and decoder tests.
        .target(name: "SluiceTestSupport", dependencies: ["SluiceCore"], path: "Tests/SluiceTestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "SluiceCoreTests", dependencies: ["SluiceCore", "SluiceTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SluiceAnthropicTests", dependencies: ["SluiceAnthropic", "SluiceTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "SluiceOpenAITests", dependencies: ["SluiceOpenAI", "SluiceTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "SluiceCryptoTests", dependencies: ["SluiceCrypto"], swiftSettings: swiftSettings),
        .testTarget(name: "SluiceCurlTests", dependencies: ["SluiceCurl"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SluiceRemoteTests",
            dependencies: ["SluiceRemote", "SluiceCore", .product(name: "MetricsTestKit", package: "swift-metrics")],
            swiftSettings: swiftSettings),
        .testTarget(name: "SluiceConfigTests", dependencies: ["SluiceConfig"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SluiceSSOTests", dependencies: ["SluiceSSO", .product(name: "JWTKit", package: "jwt-kit")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SluiceTelemetryTests",
            dependencies: [
                "SluiceTelemetry", "SluiceCore", "SluiceConfig",
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SluiceLlamaTests",
            dependencies: [
                "SluiceLlama", "SluiceCore", .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SluicePolicyTests", dependencies: ["SluicePolicy", "SluiceStore", "SluicePostgres", "SluiceTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SluiceServerTests",
            dependencies: [
                "SluiceServer", "SluiceConfig", "SluiceCore", "SluiceCurl", "SluicePolicy", "SluiceStore", "SluiceTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SluiceStoreTests",
            dependencies: [
                "SluiceStore", "SluicePostgres", "SluicePolicy", "SluiceCrypto", "SluiceTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

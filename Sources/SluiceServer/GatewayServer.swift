public import Logging
public import SluiceConfig
public import SluiceCore
public import SluiceStore
internal import SluicePolicy
internal import Hummingbird
internal import ServiceLifecycle
internal import UnixSignals
internal import SluiceCurl
internal import SluiceRemote
internal import HummingbirdCore
internal import SluiceTelemetry
#if canImport(Glibc)
internal import Glibc
#endif

/// The `sluice serve` process: the HTTP fronts, authentication and the backends, run until
/// SIGTERM or SIGINT, after which in-flight requests and streams get the configured grace period.
public enum GatewayServer {
    /// - Parameter policyStages: the stages policy files may use, built-in and custom.
    public static func run(
        configuration: SluiceConfiguration, store: any GatewayStore, policyStages: [any PolicyStageFactory],
        environment: [String: String], logger: Logger
    ) async throws {
        try await CurlClient.withClient(logger: logger) { client in
            let metrics = GatewayMetrics()
            let backends = try BackendFactory(client: client, environment: environment, metricsFactory: metrics.metricsFactory)
                .makeBackends(configuration.backends)
            let routes = RouteTable(
                routes: configuration.routes.map {
                    RouteTable.Route(
                        match: ModelGlob($0.match), backends: $0.backends, upstreamModel: $0.model, advertisedAs: $0.advertise,
                        displayName: $0.displayName)
                })
            let dispatcher = Dispatcher(
                routes: routes, targets: backends.targets,
                onFailure: { backend, error in metrics.recordBackendFailure(backend: backend, category: error.category.rawValue) })
            // The `rag` stage embeds queries through the dispatcher, so policies load once it exists.
            let retriever = Retriever(store: store, embedder: DispatcherPassageEmbedder(dispatcher: dispatcher))
            await refreshCatalog(of: retriever, logger: logger)
            let policies = PolicyRegistry(
                directory: configuration.policiesDirectory,
                compiler: PolicyCompiler(
                    factories: policyStages,
                    environment: BuiltInPolicyStages.environment(
                        store: store, slotLease: configuration.requestTimeout + .seconds(60), retriever: retriever)),
                logger: logger)
            let clock = WallClock(environment: environment)
            let auditor = PolicyAuditor(store: store, clock: clock, logger: logger)
            await auditor.record(policies.reload())
            // Say what `Gateway.policyRun` will do with keys that name no policy.
            let defaultPolicyMetadata: Logger.Metadata = [
                "policy": "\(configuration.defaultPolicy)", "policies_dir": "\(configuration.policiesDirectory)",
            ]
            if policies.hasRejectedFile(named: configuration.defaultPolicy) {
                logger.error(
                    "the default policy file was rejected: requests of keys without a policy are refused (403) until it is fixed",
                    metadata: defaultPolicyMetadata)
            } else if policies.policy(named: configuration.defaultPolicy) == nil {
                logger.warning(
                    "the default policy file is missing: keys without a policy run with no policy stages", metadata: defaultPolicyMetadata)
            }
            let journalPrefix =
                configuration.usageJournal ?? (store as? SQLiteStore).map { $0.path + "-usage" } ?? "data/sluice-usage"
            let (journal, recovered) = try await UsageJournal.open(store: store, prefix: journalPrefix)
            if recovered > 0 {
                logger.notice(
                    "usage of requests answered before a crash recovered from the journal", metadata: ["requests": "\(recovered)"])
            }
            let usage = UsageRecorder(journal: journal, metrics: metrics, logger: logger)
            let shutdownCut = ShutdownCut(grace: configuration.shutdownGracePeriod)
            let providers = Dictionary(
                configuration.backends.map { ($0.name, GenAIAttributes.provider(of: $0.kind)) }, uniquingKeysWith: { first, _ in first })
            let tracing = try startTracing(configuration: configuration, environment: environment, providers: providers, logger: logger)
            var gateway = Gateway(
                dispatcher: dispatcher, policies: policies, defaultPolicy: configuration.defaultPolicy,
                usage: usage, bodyLimit: configuration.bodyLimit,
                keepAliveInterval: configuration.keepAliveInterval, requestTimeout: configuration.requestTimeout,
                shutdownCut: shutdownCut)
            gateway.accounting = Accounting(
                prices: PriceTable(configuration.prices), ledger: BudgetLedger(store: store, clock: clock, logger: logger),
                metrics: metrics)
            gateway.tracer = tracing?.tracer
            gateway.providers = providers
            let admin = AdminAPI(
                gateway: gateway, store: store, clock: clock,
                policies: PolicyCatalog(
                    directory: configuration.policiesDirectory, defaultPolicy: configuration.defaultPolicy,
                    // Trials get stages of their own: a test text counts against no rate limit or cache.
                    compiler: PolicyCompiler(
                        factories: policyStages, environment: PolicyEnvironment(services: [Retriever.serviceName: retriever]))),
                backends: configuration.backends, replicaPools: backends.pools, engines: backends.engines, metrics: metrics)
            let certificates = try configuration.tls.map { try ListenerCertificates(files: $0) }
            let console = ConsoleSessionSettings(
                idleTimeout: configuration.console.sessionIdleTimeout, lifetime: configuration.console.sessionLifetime,
                secure: certificates != nil)
            let singleSignOn = try configuration.console.openID.map {
                try SingleSignOn(configuration: $0, client: client, environment: environment, logger: logger)
            }
            let router = makeRouter(
                gateway: gateway, store: store, routes: routes, replicaPools: backends.pools,
                responseRetention: configuration.responseRetention, metrics: metrics, admin: admin, console: console,
                singleSignOn: singleSignOn, logger: logger)
            let limits = configuration.connectionLimits
            let openConnections = OpenConnections(maximum: limits.maxConnections)
            raiseDescriptorLimit(toServe: limits.maxConnections, logger: logger)
            if certificates == nil, !["127.0.0.1", "::1", "localhost"].contains(configuration.host) {
                logger.warning(
                    "listening beyond this machine without TLS: keys and prompts cross the network in clear text (set tls: or put a TLS proxy in front)",
                    metadata: ["listen": "\(configuration.host):\(configuration.port)"])
            }
            let application = Application(
                router: router,
                server: HTTPServerBuilder { responder in
                    let http = GuardedHTTP1Channel(
                        responder: responder, limits: limits, openConnections: openConnections, secure: certificates != nil)
                    guard let certificates else { return http }
                    return TLSListenerChannel(
                        http1: http, certificates: certificates, shutdownGrace: configuration.shutdownGracePeriod)
                },
                configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "sluice"),
                onServerRunning: { _ in
                    logger.info("sluice is ready", metadata: ["backends": "\(dispatcher.backendNames.joined(separator: ","))"])
                },
                logger: logger)
            var serviceConfiguration = ServiceGroupConfiguration(
                // Shut down in reverse: the cut learns the time first, the server drains, then the last
                // usage is written and the last spans are exported.
                services: (tracing.map { [$0.exporter] } ?? []) + [
                    usage,
                    ReloadService(
                        registry: policies, retriever: retriever, certificates: certificates, auditor: auditor, pollInterval: .seconds(2),
                        logger: logger),
                ] + (backends.healthChecks.isEmpty ? [] : [ReplicaHealthChecks(checks: backends.healthChecks, client: client)]) + [
                    application, shutdownCut,
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            // Requests still running when the grace period ends are cut with an error (RequestCutoff);
            // the extra moment lets those answers and their usage rows go out before the hard stop.
            serviceConfiguration.maximumGracefulShutdownDuration = configuration.shutdownGracePeriod + .seconds(5)
            try await ServiceGroup(configuration: serviceConfiguration).run()
        }
    }

    /// The tracer and its exporter when the configuration or the `OTEL_*` variables ask for
    /// traces; `nil` (nothing started) otherwise.
    static func startTracing(
        configuration: SluiceConfiguration, environment: [String: String], providers: [String: String], logger: Logger
    ) throws -> (tracer: GatewayTracer, exporter: any Service)? {
        guard let settings = try TraceExportSettings.resolve(configuration.telemetry, environment: environment) else { return nil }
        logger.info(
            "exporting traces over OTLP",
            metadata: [
                "endpoint": "\(settings.tracesEndpoint)", "protocol": "\(settings.exportProtocol.rawValue)",
                "service": "\(settings.serviceName)", "sampler": "\(settings.sampler.rawValue)",
            ])
        return try GatewayTracer.exporting(settings, providers: providers, logger: logger)
    }

    /// Lists the `rag` collections for the policies about to load; a failure leaves policies that
    /// name collections rejected, and says why.
    static func refreshCatalog(of retriever: Retriever, logger: Logger) async {
        do {
            try await retriever.refreshCatalog()
        } catch {
            logger.error("could not list the rag collections", metadata: ["error": "\(error)"])
        }
    }

    static func makeRouter(
        gateway: Gateway, store: any GatewayStore, routes: RouteTable, replicaPools: [ReplicaPool] = [], responseRetention: Duration,
        metrics: GatewayMetrics, admin: AdminAPI? = nil,
        console: ConsoleSessionSettings = ConsoleSessionSettings(idleTimeout: .seconds(3600), lifetime: .seconds(43200), secure: false),
        singleSignOn: SingleSignOn? = nil, logger: Logger
    ) -> Router<SluiceRequestContext> {
        let router = Router(context: SluiceRequestContext.self)
        router.add(middleware: RequestLogMiddleware(metrics: metrics, logger: logger))
        router.add(middleware: ErrorResponseMiddleware())
        HealthRoutes(store: store, backendNames: gateway.dispatcher.backendNames, replicaPools: replicaPools, metrics: metrics)
            .register(on: router)
        let keys = AuthenticationCache(store: store)
        let authentication = AuthMiddleware(store: store, cache: keys, teams: TeamCache(store: store))
        let v1 = router.group("v1").add(middleware: authentication)
        let anthropicV1 = router.group("anthropic/v1").add(middleware: authentication)
        AnthropicRoutes(gateway: gateway).register(on: v1)
        OpenAIRoutes(gateway: gateway).register(on: v1)
        ResponsesRoutes(gateway: gateway, store: store, retention: responseRetention).register(on: v1)
        EmbeddingsRoutes(gateway: gateway).register(on: v1)
        ModelRoutes(routes: routes).register(v1: v1, anthropic: anthropicV1)
        // The console's own calls to the admin API authenticate with its session.
        let consoleAuthenticator = ConsoleAuthenticator(store: store, settings: console)
        admin?.register(on: router, keys: keys, sessions: consoleAuthenticator)
        ConsoleRoutes(store: store, authenticator: consoleAuthenticator, singleSignOn: singleSignOn, logger: logger).register(on: router)
        return router
    }

    /// Lifts the soft limit on open descriptors to the hard one: every connection, upstream
    /// transfer and database file needs one, and running out would fail accepts and upstream calls
    /// alike. Warns when even the hard limit leaves no room for `maxConnections` clients.
    static func raiseDescriptorLimit(toServe maxConnections: Int, logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        // Each client may also hold an upstream transfer; keep some for files and listeners.
        let needed = rlim_t(maxConnections) * 2 + 256
        if limit.rlim_cur < needed {
            logger.warning(
                "the open-file limit is low for max_connections",
                metadata: ["limit": "\(limit.rlim_cur)", "max_connections": "\(maxConnections)", "needed": "\(needed)"])
        }
    }
}

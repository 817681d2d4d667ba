public import ArgumentParser
internal import Foundation
internal import Logging
internal import SluiceConfig
public import SluiceServer
internal import SluiceStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the gateway (defaults: 127.0.0.1:8765, data/sluice.sqlite).")

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("The address to listen on.", valueName: "host"))
    var host: String?

    @Option(help: ArgumentHelp("The port to listen on.", valueName: "port"))
    var port: Int?

    @Option(name: .customLong("log-format"), help: "Log lines as text or json (or SLUICE_LOG_FORMAT).")
    var logFormat: SluiceLogHandler.Format?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning or error (or SLUICE_LOG_LEVEL).")
    var logLevel: String?

    @Option(
        name: .customLong("model"),
        help: ArgumentHelp(
            "Serve this GGUF model with the embedded engine: a backend 'local' and a catch-all route to it.", valueName: "path"))
    var modelPath: String?

    @Option(
        name: .customLong("gpu-layers"),
        help: ArgumentHelp(
            "With --model: the model's layers to put on GPUs (default: all when llama.cpp finds a GPU).", valueName: "count"))
    var gpuLayers: Int?

    @Option(
        name: .customLong("upstream"),
        help: ArgumentHelp(
            "Serve every model from this upstream (its API root, e.g. https://api.anthropic.com/v1): a backend 'upstream' and a catch-all route to it.",
            valueName: "url"))
    var upstreamURL: String?

    @Option(name: .customLong("upstream-type"), help: "The protocol --upstream speaks: openai (default) or anthropic.")
    var upstreamType: UpstreamType?

    @Option(
        name: .customLong("upstream-key-env"),
        help: ArgumentHelp("The environment variable holding --upstream's API key.", valueName: "variable"))
    var upstreamKeyVariable: String?

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("Serve HTTPS with this PEM certificate chain.", valueName: "file"))
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("The PEM private key of --tls-cert.", valueName: "file"))
    var tlsKey: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var configuration = try store.loadConfiguration()
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        switch (tlsCertificate, tlsKey) {
        case (nil, nil): break
        case (let certificate?, let key?):
            configuration.tls = TLSFiles(certificateFile: certificate, keyFile: key, clientCAFile: configuration.tls?.clientCAFile)
        default: throw CommandFailure("--tls-cert and --tls-key go together")
        }
        if modelPath != nil, upstreamURL != nil { throw CommandFailure("--model and --upstream each add a catch-all route: give one") }
        if upstreamURL == nil, upstreamType != nil || upstreamKeyVariable != nil {
            throw CommandFailure("--upstream-type and --upstream-key-env go with --upstream")
        }
        if gpuLayers != nil, modelPath == nil { throw CommandFailure("--gpu-layers goes with --model") }
        if let gpuLayers, gpuLayers < 0 { throw CommandFailure("--gpu-layers must be 0 or more") }
        if let modelPath { try addLocalModel(modelPath, gpuLayers: gpuLayers, to: &configuration) }
        if let upstreamURL {
            try addUpstream(upstreamURL, type: upstreamType ?? .openai, keyVariable: upstreamKeyVariable, to: &configuration)
        }
        let format = logFormat ?? environment["SLUICE_LOG_FORMAT"].flatMap(SluiceLogHandler.Format.init) ?? .text
        let levelName = logLevel ?? environment["SLUICE_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: levelName) else { throw CommandFailure("unknown log level '\(levelName)'") }
        SluiceLogHandler.bootstrap(format: format, level: level)
        let logger = Logger(label: "sluice")

        let database = try await StoreOptions.openStore(configuration, logger: Logger(label: "sluice.database"))
        logger.info("database", metadata: ["location": "\(database.location)"])
        for migration in database.appliedMigrations {
            logger.info("applied migration", metadata: ["migration": "\(migration.name)"])
        }
        if try await !database.hasKeys() {
            logger.warning("no API keys yet: every API request will be refused until one exists")
            FileHandle.standardError.write(
                Data(
                    """
                    No API keys yet. Create the first one (it is printed once) with:
                      sluice keys create --name NAME --database \(database.location)

                    """.utf8))
        }
        do {
            try await GatewayServer.run(
                configuration: configuration, store: database, policyStages: PolicyStages.registered, environment: environment,
                logger: logger)
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}

/// `--model PATH`: the embedded engine as backend `local`, behind a catch-all route placed after
/// the configured ones, so models the configuration routes elsewhere still go there.
func addLocalModel(_ path: String, gpuLayers: Int?, to configuration: inout SluiceConfiguration) throws {
    guard !configuration.backends.contains(where: { $0.name == "local" }) else {
        throw CommandFailure("--model: the configuration already has a backend named 'local'")
    }
    var backend = BackendConfiguration(name: "local", kind: .llama)
    backend.modelPath = path
    backend.gpuLayers = gpuLayers
    configuration.backends.append(backend)
    configuration.routes.append(RouteConfiguration(match: "*", backends: ["local"]))
}

/// The protocols `--upstream` can speak.
enum UpstreamType: String, CaseIterable, ExpressibleByArgument {
    case openai
    case anthropic
}

/// `--upstream URL`: a remote backend `upstream`, behind a catch-all route placed after the
/// configured ones, so that a first run needs no configuration file.
func addUpstream(_ url: String, type: UpstreamType, keyVariable: String?, to configuration: inout SluiceConfiguration) throws {
    guard !configuration.backends.contains(where: { $0.name == "upstream" }) else {
        throw CommandFailure("--upstream: the configuration already has a backend named 'upstream'")
    }
    guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
        throw CommandFailure("--upstream must be an http:// or https:// URL, e.g. https://api.anthropic.com/v1")
    }
    var backend = BackendConfiguration(name: "upstream", kind: type == .anthropic ? .anthropic : .openai, url: url)
    backend.apiKeyEnvironmentVariable = keyVariable
    configuration.backends.append(backend)
    configuration.routes.append(RouteConfiguration(match: "*", backends: ["upstream"]))
}

extension SluiceLogHandler.Format: ExpressibleByArgument {}

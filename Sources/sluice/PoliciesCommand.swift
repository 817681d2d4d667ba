internal import ArgumentParser
internal import Logging
internal import SluiceConfig
internal import SluiceCore
internal import SluicePolicy
internal import SluiceServer
internal import Foundation

struct PoliciesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policies", abstract: "List, show, check and try out the policies in policies_dir.",
        subcommands: [PoliciesListCommand.self, PoliciesShowCommand.self, PoliciesCheckCommand.self, PoliciesTestCommand.self])

    /// The compiler `sluice serve` uses, without the server's shared state: rate limits and the
    /// cache see no traffic here.
    static let compiler = PolicyCompiler(factories: PolicyStages.registered, environment: PolicyEnvironment())

    /// The configured directory's policies, checked with ``compiler``.
    static func catalog(_ store: StoreOptions) throws -> PolicyCatalog {
        let configuration = try store.loadConfiguration()
        return PolicyCatalog(
            directory: configuration.policiesDirectory, defaultPolicy: configuration.defaultPolicy, compiler: compiler)
    }

    /// One policy file of the configured directory, parsed; failing with the reason alone.
    static func policyDocument(named name: String, store: StoreOptions) throws -> PolicyDocument {
        do {
            return try catalog(store).document(named: name)
        } catch let error as SluiceError {
            throw CommandFailure(error.message)
        }
    }
}

struct PoliciesListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the policies and their stages.")

    @OptionGroup var store: StoreOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let catalog = try PoliciesCommand.catalog(store)
        let rows = catalog.list()
        if json {
            print(Output.json(.array(rows)))
            return
        }
        guard !rows.isEmpty else {
            print("No policies in \(catalog.directory).")
            return
        }
        let table =
            [["NAME", "STAGES", "FILE", "STATUS"]]
            + rows.map { row in
                let name = (row["name"]?.stringValue ?? "") + (row["default"]?.boolValue == true ? " (default)" : "")
                let stages = row["stages"]?.arrayValue?.compactMap(\.stringValue).joined(separator: " → ") ?? ""
                return [name, stages, row["file"]?.stringValue ?? "", row["error"]?.stringValue ?? "ok"]
            }
        print(Output.table(table))
    }
}

struct PoliciesShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one policy's stages and settings.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The policy's name (its file name without .yaml).") var name: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let document = try PoliciesCommand.policyDocument(named: name, store: store)
        let policy = try PoliciesCommand.compiler.compile(document)
        if json {
            print(Output.json(PolicyCatalog.details(of: document, file: policy.file)))
            return
        }
        print("policy \(policy.name) (\(policy.file))")
        print("stages: \(document.stages.joined(separator: " → "))")
        for stage in document.stages {
            print("\(stage): \((document.sections[stage] ?? .object(JSONObject())).serializedString())")
        }
    }
}

struct PoliciesCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate policy files; exit 1 with file:line on errors.")

    @Argument(help: "Policy files to check.") var files: [String]
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one policy file") }
    }

    func run() throws {
        var results: [JSONValue] = []
        var failed = false
        for file in files {
            do throws(ConfigurationError) {
                _ = try PoliciesCommand.compiler.compile(try PolicyDocument.load(path: file))
                results.append(["file": .string(file), "valid": true])
                if !json { print("\(file): ok") }
            } catch {
                failed = true
                var result: JSONObject = [
                    "file": .string(file), "valid": false, "line": error.line.map(JSONValue.integer) ?? .null,
                    "error": .string(error.message),
                ]
                if let column = error.column { result["column"] = .integer(column) }
                results.append(.object(result))
                if !json {
                    print(ConfigurationError(error.message, file: error.file ?? file, line: error.line, column: error.column).description)
                }
            }
        }
        if json { print(Output.json(.array(results))) }
        if failed { throw ExitCode(1) }
    }
}

struct PoliciesTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run text from stdin through a policy: print what would go upstream and what was found; exit 1 if refused.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The policy's name.") var name: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let document = try PoliciesCommand.policyDocument(named: name, store: store)
        var text = ""
        while let line = readLine(strippingNewline: false) { text += line }
        guard document.stages.contains("rag") else {
            try await test(try PoliciesCommand.compiler.compile(document), text: text)
            return
        }
        // The rag stage retrieves from the store's collections, embedding the query as the server would.
        let configuration = try store.loadConfiguration()
        try await StoreOptions.withStore(configuration) { store in
            let named = Set(document.sections["rag"]?["collections"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            let backends = Set(try await store.collections().filter { named.contains($0.name) }.compactMap(\.embeddingBackend))
            try await GatewayServer.withPassageEmbedder(
                configuration: configuration, backends: backends, environment: ProcessInfo.processInfo.environment
            ) { embedder in
                let retriever = Retriever(store: store, embedder: embedder)
                try await retriever.refreshCatalog()
                let compiler = PolicyCompiler(
                    factories: PolicyStages.registered, environment: PolicyEnvironment(services: [Retriever.serviceName: retriever]))
                try await test(try compiler.compile(document), text: text)
            }
        }
    }

    private func test(_ policy: CompiledPolicy, text: String) async throws {
        let trial = try await PolicyTrial.run(policy, text: text)
        if json {
            print(Output.json(trial.json))
        } else if let refusal = trial.refusal {
            print("refused: \(refusal.message)")
            if !trial.found.isEmpty { print("found: \(trial.found.joined(separator: " "))") }
        } else {
            print(trial.upstream, terminator: trial.upstream.hasSuffix("\n") ? "" : "\n")
            print("found: \(trial.found.isEmpty ? "nothing" : trial.found.joined(separator: " "))")
        }
        if trial.refusal != nil { throw ExitCode(1) }
    }
}

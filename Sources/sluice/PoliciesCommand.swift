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

    /// Loads and compiles one policy of the configured directory, or fails with its file and line.
    static func compiledPolicy(named name: String, store: StoreOptions) throws -> (PolicyDocument, CompiledPolicy) {
        let document = try policyDocument(named: name, store: store)
        return (document, try compiler.compile(document))
    }

    /// One policy file of the configured directory, parsed.
    static func policyDocument(named name: String, store: StoreOptions) throws -> PolicyDocument {
        let directory = try store.loadConfiguration().policiesDirectory
        guard let file = PolicyRegistry.policyFiles(in: directory).first(where: { $0.name == name }) else {
            let known = PolicyRegistry.policyFiles(in: directory).map(\.name).joined(separator: ", ")
            throw CommandFailure("no policy named '\(name)' in \(directory) (policies: \(known.isEmpty ? "none" : known))")
        }
        return try PolicyDocument.load(path: file.path)
    }
}

struct PoliciesListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the policies and their stages.")

    @OptionGroup var store: StoreOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let configuration = try store.loadConfiguration()
        var rows: [JSONValue] = []
        for (name, path) in PolicyRegistry.policyFiles(in: configuration.policiesDirectory) {
            var row: JSONObject = ["name": .string(name), "file": .string(path), "default": .bool(name == configuration.defaultPolicy)]
            do {
                let document = try PolicyDocument.load(path: path)
                _ = try PoliciesCommand.compiler.compile(document)
                row["stages"] = .array(document.stages.map(JSONValue.string))
                row["valid"] = true
            } catch {
                row["stages"] = .array([])
                row["valid"] = false
                row["error"] = .string(error.description)
            }
            rows.append(.object(row))
        }
        if json {
            print(Output.json(.array(rows)))
            return
        }
        guard !rows.isEmpty else {
            print("No policies in \(configuration.policiesDirectory).")
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
        let (document, policy) = try PoliciesCommand.compiledPolicy(named: name, store: store)
        var settings = JSONObject()
        for stage in document.stages { settings[stage] = document.sections[stage] ?? .object(JSONObject()) }
        if json {
            print(
                Output.json([
                    "name": .string(policy.name), "file": .string(policy.file),
                    "stages": .array(document.stages.map(JSONValue.string)), "settings": .object(settings),
                ]))
            return
        }
        print("policy \(policy.name) (\(policy.file))")
        print("stages: \(document.stages.joined(separator: " → "))")
        for (stage, value) in settings { print("\(stage): \(value.serializedString())") }
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
        var request = ChatRequest(model: "policy-test", messages: [.user(text)])
        let run = PolicyRun(
            stages: policy.stages,
            context: PolicyContext(keyID: "policy-test", keyName: "policy-test", policyName: name, requestID: "policy-test"))
        let verdict = try await run.prepare(&request)
        let refusal: SluiceError? = if case .refuse(let error) = verdict { error } else { nil }
        await run.complete(clientSawEnd: false, failure: refusal)
        // Each text block on a line of its own: the rag stage's context block comes before the text.
        let texts = request.messages.first?.content.compactMap { block in if case .text(let text) = block { text.text } else { nil } }
        let upstream = texts?.joined(separator: "\n") ?? ""
        if json {
            print(
                Output.json([
                    "policy": .string(name), "refused": .bool(refusal != nil), "reason": refusal.map { .string($0.message) } ?? .null,
                    "upstream": refusal == nil ? .string(upstream) : .null, "found": .array(run.actions.map(JSONValue.string)),
                ]))
        } else if let refusal {
            print("refused: \(refusal.message)")
            if !run.actions.isEmpty { print("found: \(run.actions.joined(separator: " "))") }
        } else {
            print(upstream, terminator: upstream.hasSuffix("\n") ? "" : "\n")
            print("found: \(run.actions.isEmpty ? "nothing" : run.actions.joined(separator: " "))")
        }
        if refusal != nil { throw ExitCode(1) }
    }
}

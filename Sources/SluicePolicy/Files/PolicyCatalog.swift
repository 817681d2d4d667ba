public import SluiceConfig
public import SluiceCore

/// The policy files of a directory as `sluice policies list|show|check` and the admin API
/// describe them: each file checked with a compiler of its own, never loaded into a gateway.
public struct PolicyCatalog: Sendable {
    public let directory: String
    public let defaultPolicy: String
    public let compiler: PolicyCompiler

    public init(directory: String, defaultPolicy: String, compiler: PolicyCompiler) {
        self.directory = directory
        self.defaultPolicy = defaultPolicy
        self.compiler = compiler
    }

    /// Every policy file: its name, stages, whether it is the default, and whether it compiles.
    public func list() -> [JSONValue] {
        PolicyRegistry.policyFiles(in: directory).map { name, path in
            var row: JSONObject = ["name": .string(name), "file": .string(path), "default": .bool(name == defaultPolicy)]
            do throws(ConfigurationError) {
                let document = try PolicyDocument.load(path: path)
                _ = try compiler.compile(document)
                row["stages"] = .array(document.stages.map(JSONValue.string))
                row["valid"] = true
            } catch {
                row["stages"] = .array([])
                row["valid"] = false
                row["error"] = .string(error.description)
            }
            return .object(row)
        }
    }

    /// The file of the policy `name`, parsed; a 404 ``SluiceCore/SluiceError`` naming the known
    /// policies when there is none.
    public func document(named name: String) throws -> PolicyDocument {
        let files = PolicyRegistry.policyFiles(in: directory)
        guard let file = files.first(where: { $0.name == name }) else {
            let known = files.map(\.name).joined(separator: ", ")
            throw SluiceError.notFound("no policy named '\(name)' in \(directory) (policies: \(known.isEmpty ? "none" : known))")
        }
        return try PolicyDocument.load(path: file.path)
    }

    /// A policy's stages and each stage's settings.
    public static func details(of document: PolicyDocument, file: String) -> JSONValue {
        var settings = JSONObject()
        for stage in document.stages { settings[stage] = document.sections[stage] ?? .object(JSONObject()) }
        return [
            "name": .string(document.name), "file": .string(file), "stages": .array(document.stages.map(JSONValue.string)),
            "settings": .object(settings),
        ]
    }

    /// Whether a policy compiles: `{"valid": true}`, or the problem with its line and column.
    public func check(_ document: @autoclosure () throws(ConfigurationError) -> PolicyDocument) -> JSONValue {
        do throws(ConfigurationError) {
            _ = try compiler.compile(try document())
            return ["valid": true]
        } catch {
            var result: JSONObject = [
                "valid": false, "line": error.line.map(JSONValue.integer) ?? .null, "error": .string(error.message),
            ]
            if let column = error.column { result["column"] = .integer(column) }
            return .object(result)
        }
    }
}

internal import Hummingbird
internal import SluiceConfig
internal import SluiceCore
internal import SluicePolicy

extension AdminAPI {
    func listPolicies() -> Response {
        Gateway.jsonResponse(["default": .string(policies.defaultPolicy), "policies": .array(policies.list())])
    }

    /// A policy's stages and settings, and whether its file compiles now.
    func showPolicy(_ name: String) throws -> Response {
        let document = try policyDocument(named: name)
        var object = PolicyCatalog.details(of: document, file: document.file).objectValue ?? [:]
        object["default"] = .bool(name == policies.defaultPolicy)
        object["check"] = policies.check(document)
        return Gateway.jsonResponse(.object(object))
    }

    /// Checks a draft policy sent as `{"yaml": "…"}` without loading it: `valid`, or the
    /// problem with its line and column.
    func checkPolicy(_ request: Request) async throws -> Response {
        let body = try await AdminRequestBody.read(request, gateway: gateway, allowed: ["yaml", "name"])
        guard let yaml = try body.string("yaml") else { throw SluiceError.invalidField("yaml", "is required") }
        let name = try body.string("name") ?? "draft"
        return Gateway.jsonResponse(policies.check(try PolicyDocument.parse(yaml: yaml, name: name, file: "\(name).yaml")))
    }

    /// Runs `{"text": "…"}` through a policy's request stages: what would go upstream (scrubbed
    /// by `pii`), what was found, and whether a stage (`content`) would refuse it.
    func testPolicy(_ request: Request, context: SluiceRequestContext) async throws -> Response {
        let name = try context.parameters.require("policy")
        let body = try await AdminRequestBody.read(request, gateway: gateway, allowed: ["text"])
        guard let text = try body.string("text") else { throw SluiceError.invalidField("text", "is required") }
        let document = try policyDocument(named: name)
        let policy: CompiledPolicy
        do throws(ConfigurationError) {
            policy = try policies.compiler.compile(document)
        } catch {
            throw SluiceError.invalidRequest("policy '\(name)' does not compile: \(error.description)")
        }
        return Gateway.jsonResponse(try await PolicyTrial.run(policy, text: text).json)
    }

    /// The file of policy `name`: 404 when there is none, 400 when it does not parse.
    private func policyDocument(named name: String) throws -> PolicyDocument {
        do {
            return try policies.document(named: name)
        } catch let error as ConfigurationError {
            throw SluiceError.invalidRequest("policy '\(name)' does not parse: \(error.description)")
        }
    }
}

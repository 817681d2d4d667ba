internal import Hummingbird
internal import SluiceCore
internal import SluicePolicy
internal import SluiceStore

extension AdminAPI {
    static let keyCreationFields: Set<String> = [
        "name", "role", "policy", "models", "expires_in", "requests_per_minute", "tokens_per_minute", "concurrency", "team",
        "budget_usd", "budget_period",
    ]
    static let keyUpdateFields: Set<String> = ["team", "budget_usd", "budget_period", "policy", "models"]

    func listKeys() async throws -> Response {
        let now = clock.now()
        return Gateway.jsonResponse(["keys": .array(try await store.listKeys().map { AdminJSON.key($0, now: now) })])
    }

    /// The key, and its budget against what it has spent this period.
    func showKey(_ nameOrID: String) async throws -> Response {
        let key = try await store.findKey(nameOrID)
        let now = clock.now()
        var object = AdminJSON.key(key, now: now).objectValue ?? [:]
        object["spent_usd"] = .null
        object["budget_resets_at"] = .null
        if let status = try await BudgetReport.status(of: key.budget, in: store, now: now) {
            object["spent_usd"] = .double(status.spent.dollars)
            object["budget_resets_at"] = AdminJSON.timestamp(status.resetsAt)
        }
        return Gateway.jsonResponse(.object(object))
    }

    /// Mints a key: 201 with the secret, the only time it is shown.
    func createKey(_ request: Request, context: SluiceRequestContext) async throws -> Response {
        let body = try await AdminRequestBody.read(request, gateway: gateway, allowed: Self.keyCreationFields)
        guard let name = try body.string("name") else { throw SluiceError.invalidField("name", "is required") }
        let creation = KeyCreation(
            name: name, role: try body.role("role") ?? .user, policy: try body.string("policy"), models: try body.strings("models") ?? [],
            lifetime: try body.duration("expires_in"),
            limits: KeyLimits(
                requestsPerMinute: try body.positiveInteger("requests_per_minute"),
                tokensPerMinute: try body.positiveInteger("tokens_per_minute"), concurrency: try body.positiveInteger("concurrency")),
            team: try body.string("team"), budget: try body.dollars("budget_usd")?.value,
            budgetPeriod: try body.budgetPeriod("budget_period"))
        let minted = try await administration(context).createKey(creation)
        return Self.created(AdminJSON.key(minted.record, secret: minted.secret))
    }

    func updateKey(_ request: Request, context: SluiceRequestContext) async throws -> Response {
        let key = try context.parameters.require("key")
        let body = try await AdminRequestBody.read(request, gateway: gateway, allowed: Self.keyUpdateFields)
        guard !body.isEmpty else {
            throw SluiceError.invalidRequest("say what to change: \(Self.keyUpdateFields.sorted().joined(separator: ", "))")
        }
        // `null` models, like an empty list, lets the key use every model.
        let models: [String]? = body.fields["models"] == .null ? [] : try body.strings("models")
        let changes = KeyChanges(
            team: try body.change("team"), budget: try body.dollars("budget_usd"), budgetPeriod: try body.budgetPeriod("budget_period"),
            policy: try body.change("policy"), models: models)
        return Gateway.jsonResponse(AdminJSON.key(try await administration(context).updateKey(key, changes)))
    }

    /// A new secret for the key; the old one keeps working for `grace` (none by default).
    func rotateKey(_ request: Request, context: SluiceRequestContext) async throws -> Response {
        let key = try context.parameters.require("key")
        let body = try await AdminRequestBody.read(request, gateway: gateway, allowed: ["grace"], optional: true)
        let minted = try await administration(context).rotateKey(key, grace: try body.duration("grace") ?? .zero)
        return Gateway.jsonResponse(AdminJSON.key(minted.record, secret: minted.secret))
    }

    func revokeKey(context: SluiceRequestContext) async throws -> Response {
        let key = try context.parameters.require("key")
        return Gateway.jsonResponse(AdminJSON.key(try await administration(context).revokeKey(key)))
    }
}

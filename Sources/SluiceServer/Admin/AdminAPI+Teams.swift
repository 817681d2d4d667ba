internal import Hummingbird
internal import SluiceCore
internal import SluicePolicy
internal import SluiceStore

extension AdminAPI {
    static let teamCreationFields: Set<String> = ["name", "policy", "budget_usd", "budget_period"]
    static let teamUpdateFields: Set<String> = ["policy", "budget_usd", "budget_period"]

    func listTeams() async throws -> Response {
        Gateway.jsonResponse(["teams": .array(try await store.listTeams().map(AdminJSON.team))])
    }

    /// The team, its keys, and its budget against what they have spent together this period.
    func showTeam(_ name: String) async throws -> Response {
        let team = try await store.findTeam(name)
        var object = AdminJSON.team(team).objectValue ?? [:]
        object["keys"] = .array(try await store.keys(ofTeam: team.name).map { .string($0.name) })
        object["spent_usd"] = .null
        object["budget_resets_at"] = .null
        if let status = try await BudgetReport.status(of: team.budget, in: store, now: clock.now()) {
            object["spent_usd"] = .double(status.spent.dollars)
            object["budget_resets_at"] = AdminJSON.timestamp(status.resetsAt)
        }
        return Gateway.jsonResponse(.object(object))
    }

    func createTeam(_ request: Request, context: SluiceRequestContext) async throws -> Response {
        let body = try await AdminRequestBody.read(request, gateway: gateway, allowed: Self.teamCreationFields)
        guard let name = try body.string("name") else { throw SluiceError.invalidField("name", "is required") }
        let team = try await administration(context).createTeam(
            name: name, policy: try body.string("policy"), budget: try body.dollars("budget_usd")?.value,
            budgetPeriod: try body.budgetPeriod("budget_period"))
        return Self.created(AdminJSON.team(team))
    }

    func updateTeam(_ request: Request, context: SluiceRequestContext) async throws -> Response {
        let name = try context.parameters.require("team")
        let body = try await AdminRequestBody.read(request, gateway: gateway, allowed: Self.teamUpdateFields)
        guard !body.isEmpty else {
            throw SluiceError.invalidRequest("say what to change: \(Self.teamUpdateFields.sorted().joined(separator: ", "))")
        }
        let changes = TeamChanges(
            policy: try body.change("policy"), budget: try body.dollars("budget_usd"), budgetPeriod: try body.budgetPeriod("budget_period"))
        return Gateway.jsonResponse(AdminJSON.team(try await administration(context).updateTeam(name, changes)))
    }

    /// Removes a team that no key belongs to any more (400 naming its keys otherwise).
    func removeTeam(context: SluiceRequestContext) async throws -> Response {
        let team = try await administration(context).removeTeam(try context.parameters.require("team"))
        return Gateway.jsonResponse(["removed": .string(team.name)])
    }

    /// Every budget of a key or team against what it has spent this period.
    func budgets() async throws -> Response {
        Gateway.jsonResponse(["budgets": .array(try await BudgetReport.all(in: store, now: clock.now()).map(AdminJSON.budget))])
    }
}

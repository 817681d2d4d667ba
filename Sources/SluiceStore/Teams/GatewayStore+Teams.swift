internal import Foundation
internal import SluiceCore

extension GatewayStore {
    /// The team with this name.
    public func findTeam(_ name: String) async throws -> Team {
        guard let team = try await team(named: name) else { throw SluiceError.notFound("no team named '\(name)'") }
        return team
    }

    /// The keys of a team, oldest first.
    public func keys(ofTeam name: String) async throws -> [APIKey] {
        try await listKeys().filter { $0.team == name }
    }

    /// Removes a team that no key belongs to any more; one with keys is refused, naming them, so
    /// no key silently loses the team's policy or budget.
    public func removeTeam(_ name: String) async throws {
        let team = try await findTeam(name)
        let members = try await keys(ofTeam: team.name)
        guard members.isEmpty else {
            throw SluiceError.invalidRequest(
                "team '\(team.name)' still has keys (\(members.map(\.name).joined(separator: ", "))): move them with sluice keys update --team or --no-team first"
            )
        }
        _ = try await deleteTeam(named: team.name)
    }
}

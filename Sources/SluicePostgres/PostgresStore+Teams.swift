internal import Foundation
internal import PostgresNIO
internal import SluiceCore
internal import SluicePolicy
public import SluiceStore

extension PostgresStore {
    public func insertTeam(_ team: Team) async throws {
        do {
            try await run { client in
                try await client.query(
                    """
                    INSERT INTO teams (name, policy, budget_nanodollars, budget_period, created_at)
                    VALUES (\(team.name), \(team.policy), \(team.budgetNanodollars), \(team.budgetPeriod.rawValue), \(team.createdAt))
                    """)
            }
        } catch  where Self.sqlState(of: error) == "23505" {
            throw SluiceError.invalidRequest("a team named '\(team.name)' already exists")
        }
    }

    public func updateTeam(_ team: Team) async throws {
        try await run { client in
            try await client.query(
                """
                UPDATE teams SET policy = \(team.policy), budget_nanodollars = \(team.budgetNanodollars),
                    budget_period = \(team.budgetPeriod.rawValue)
                WHERE name = \(team.name)
                """)
        }
    }

    public func team(named name: String) async throws -> Team? {
        try await run { client in
            try await client.query(
                "SELECT name, policy, budget_nanodollars, budget_period, created_at FROM teams WHERE name = \(name)"
            ).collect().first.map(Self.decodeTeam)
        }
    }

    public func listTeams() async throws -> [Team] {
        try await run { client in
            try await client.query("SELECT name, policy, budget_nanodollars, budget_period, created_at FROM teams ORDER BY name")
                .collect().map(Self.decodeTeam)
        }
    }

    public func deleteTeam(named name: String) async throws -> Bool {
        try await run { client in
            try await client.query("DELETE FROM teams WHERE name = \(name) RETURNING name").collect().count == 1
        }
    }

    static func decodeTeam(_ row: PostgresRow) throws -> Team {
        let (name, policy, budget, period, createdAt) = try row.decode((String, String?, Int64?, String, Date).self)
        var team = Team(name: name, policy: policy, budgetPeriod: BudgetPeriod(rawValue: period) ?? .month, createdAt: createdAt)
        team.budgetNanodollars = budget
        return team
    }
}

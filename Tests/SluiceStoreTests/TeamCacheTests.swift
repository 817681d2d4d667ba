import Foundation
import SluiceCore
import SluicePolicy
import SluiceStore
import Testing

@Suite struct TeamCacheTests {
    @Test(arguments: StoreKind.allCases) func aTeamChangeIsSeenOnceTheCachedTeamIsOlderThanItsMaximumAge(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, _ in
            try await database.insertTeam(Team(name: "platform", budget: USD("10"), createdAt: Date()))
            let cache = TeamCache(store: database, maximumAge: .milliseconds(200))
            let start = ContinuousClock.now
            #expect(try await cache.team(named: "platform", instant: start)?.budget?.limit == USD("10"))
            var team = try await database.findTeam("platform")
            team.budgetNanodollars = USD("20")?.nanodollars
            try await database.updateTeam(team)
            #expect(try await cache.team(named: "platform", instant: start.advanced(by: .milliseconds(150)))?.budget?.limit == USD("10"))
            #expect(try await cache.team(named: "platform", instant: start.advanced(by: .milliseconds(250)))?.budget?.limit == USD("20"))
            // A removed team is no team: its keys lose its policy and budget, not their access.
            try await database.removeTeam("platform")
            #expect(try await cache.team(named: "platform", instant: start.advanced(by: .milliseconds(500))) == nil)
        }
    }
}

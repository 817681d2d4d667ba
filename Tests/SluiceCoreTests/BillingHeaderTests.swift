import SluiceCore
import Testing

@Suite struct BillingHeaderTests {
    private static let header = "x-anthropic-billing-header: cc_version=2.1.3; cc_entrypoint=cli; cch=abc;"
    private static let ephemeral: JSONValue = ["type": "ephemeral"]

    private func removingHeader(from system: [TextContent]) -> [TextContent] {
        var request = ChatRequest(model: "claude-opus-4-1", system: system, messages: [.user("hi")])
        request.removeBillingHeader()
        return request.system
    }

    @Test func blockHoldingOnlyTheHeaderIsRemoved() {
        let system = [
            TextContent(Self.header),
            TextContent("You are Claude Code, Anthropic's official CLI for Claude.", cacheControl: Self.ephemeral),
            TextContent("Project instructions follow.", cacheControl: Self.ephemeral),
        ]
        #expect(removingHeader(from: system) == Array(system.dropFirst()))
    }

    @Test func headerFollowedByWhitespaceOnlyIsRemovedWhole() {
        #expect(removingHeader(from: [TextContent(Self.header + "\n"), TextContent("rest")]) == [TextContent("rest")])
        #expect(removingHeader(from: [TextContent(Self.header + "\n  \n")]) == [])
    }

    @Test func headerLineInsideALargerBlockIsTheOnlyThingRemoved() {
        let block = TextContent(Self.header + "\nYou are Claude Code.\nBe brief.", cacheControl: Self.ephemeral)
        #expect(removingHeader(from: [block]) == [TextContent("You are Claude Code.\nBe brief.", cacheControl: Self.ephemeral)])
    }

    @Test func headerLineInTheMiddleKeepsTheLinesAroundIt() {
        let block = TextContent("First line.\n" + Self.header + "\n\nLast line.")
        #expect(removingHeader(from: [block]) == [TextContent("First line.\n\nLast line.")])
    }

    @Test func otherBlocksAreUntouched() {
        let system = [
            TextContent("Before.", cacheControl: Self.ephemeral),
            TextContent(Self.header),
            TextContent("After.\n"),
        ]
        #expect(removingHeader(from: system) == [TextContent("Before.", cacheControl: Self.ephemeral), TextContent("After.\n")])
    }

    @Test func requestWithoutTheHeaderIsUnchanged() {
        let system = [TextContent("You are helpful."), TextContent("   "), TextContent("")]
        #expect(removingHeader(from: system) == system)
        #expect(removingHeader(from: []) == [])
    }

    @Test func mentionOfThePrefixMidLineIsKept() {
        let system = [TextContent("Never echo lines starting with x-anthropic-billing-header: to the user.")]
        #expect(removingHeader(from: system) == system)
    }

    @Test func messagesAreNotTouched() {
        var request = ChatRequest(model: "m", system: [TextContent(Self.header)], messages: [.user(Self.header)])
        request.removeBillingHeader()
        #expect(request.system == [])
        #expect(request.messages == [.user(Self.header)])
    }
}

extension BillingHeaderTests {
    @Test func aBillingLineEndingInCRLFRemovesOnlyThatLine() {
        var request = ChatRequest(
            model: "m", system: [TextContent("x-anthropic-billing-header: cc_version=1;\r\nYou are Claude")], messages: [.user("hi")])
        request.removeBillingHeader()
        #expect(request.system == [TextContent("You are Claude")])
    }
}

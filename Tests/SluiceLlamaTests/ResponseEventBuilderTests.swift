import SluiceCore
@testable import SluiceLlama
import Testing

/// Parser deltas to canonical block events: never interleaved, one block per tool call.
struct ResponseEventBuilderTests {
    private func build(_ deltas: [OutputDelta]) -> [StreamEvent] {
        let ids = IDSource()
        var builder = ResponseEventBuilder(makeToolUseID: { ids.next() })
        var events: [StreamEvent] = []
        for delta in deltas { events += builder.events(for: delta) }
        events += builder.finish()
        return events
    }

    @Test func reasoningThenTextThenToolCallsMakeThreeKindsOfBlocksInOrder() {
        let events = build([
            .reasoning("let me"), .reasoning(" think"), .content("Sure."), .toolStart(index: 0, name: "get_weather"),
            .toolArguments(index: 0, json: "{\"city\":"), .toolArguments(index: 0, json: "\"Paris\"}"),
            .toolStart(index: 1, name: "get_time"), .toolArguments(index: 1, json: "{}"),
        ])
        #expect(
            events == [
                .blockStart(.thinking), .blockDelta(.thinking("let me")), .blockDelta(.thinking(" think")), .blockStop,
                .blockStart(.text), .blockDelta(.text("Sure.")), .blockStop,
                .blockStart(.toolUse(id: "toolu_1", name: "get_weather")),
                .blockDelta(.toolInput(partialJSON: "{\"city\":")), .blockDelta(.toolInput(partialJSON: "\"Paris\"}")), .blockStop,
                .blockStart(.toolUse(id: "toolu_2", name: "get_time")), .blockDelta(.toolInput(partialJSON: "{}")), .blockStop,
            ])
    }

    @Test func emptyDeltasOpenNothing() {
        #expect(build([.content(""), .reasoning("")]).isEmpty)
    }

    @Test func textAfterAToolCallOpensANewTextBlock() {
        let events = build([.content("a"), .toolStart(index: 0, name: "f"), .content("b")])
        #expect(
            events == [
                .blockStart(.text), .blockDelta(.text("a")), .blockStop,
                .blockStart(.toolUse(id: "toolu_1", name: "f")), .blockStop,
                .blockStart(.text), .blockDelta(.text("b")), .blockStop,
            ])
    }

    @Test func argumentsOfACallThatIsNoLongerOpenAreNotMixedIntoAnother() {
        let events = build([.toolStart(index: 0, name: "f"), .toolStart(index: 1, name: "g"), .toolArguments(index: 0, json: "{}")])
        #expect(!events.contains(.blockDelta(.toolInput(partialJSON: "{}"))))
    }

    @Test func shimDeltasAreDecoded() throws {
        let json = try JSONParser.parse(
            """
            [{"kind":"reasoning","text":"r"},{"kind":"content","text":"c"},{"kind":"tool_start","index":0,"name":"f"},
             {"kind":"tool_args","index":0,"text":"{}"},{"kind":"unknown"}]
            """)
        #expect(
            OutputDelta.decode(json) == [
                .reasoning("r"), .content("c"), .toolStart(index: 0, name: "f"), .toolArguments(index: 0, json: "{}"),
            ])
    }
}

/// Predictable tool-use ids.
private final class IDSource: @unchecked Sendable {
    private var count = 0

    func next() -> String {
        count += 1
        return "toolu_\(count)"
    }
}

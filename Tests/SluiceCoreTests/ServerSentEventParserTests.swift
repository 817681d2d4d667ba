import SluiceCore
import Testing

@Suite struct ServerSentEventParserTests {
    /// Feeds `chunks` in order and finishes, returning every event.
    private func parse(_ chunks: [[UInt8]]) throws -> [ServerSentEvent] {
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        for chunk in chunks { events += try parser.feed(chunk) }
        if let last = parser.finish() { events.append(last) }
        return events
    }

    private func parse(_ text: String) throws -> [ServerSentEvent] {
        try parse([Array(text.utf8)])
    }

    /// Twenty events in every shape the parser must handle, with what it must make of them.
    private static let fixture: (bytes: [UInt8], events: [ServerSentEvent]) = {
        let endings = ["\n", "\r\n", "\r"]
        var text = ""
        var events: [ServerSentEvent] = []
        for index in 0..<20 {
            let end = endings[index % endings.count]
            if index % 5 == 0 { text += ": keep-alive \(index)" + end }
            var event = ServerSentEvent(data: #"{"index":\#(index),"text":"héllo 😀 ✓"}"#)
            if index.isMultiple(of: 2) {
                event.event = "content_block_delta"
                text += "event: content_block_delta" + end
            }
            text += "data: " + event.data + end
            if index % 4 == 1 {
                text += "id: \(index)" + end + "data:second line without a space" + end + "data" + end
                event.data += "\nsecond line without a space\n"
            }
            text += end
            events.append(event)
        }
        return (Array(text.utf8), events)
    }()

    @Test func fixtureParsesInOneChunk() throws {
        let fixture = Self.fixture
        #expect(fixture.events.count == 20)
        #expect(try parse([fixture.bytes]) == fixture.events)
    }

    @Test func everySplitPointGivesTheSameEvents() throws {
        let fixture = Self.fixture
        for split in 0...fixture.bytes.count {
            let events = try parse([Array(fixture.bytes[..<split]), Array(fixture.bytes[split...])])
            #expect(events == fixture.events, "split at byte \(split)")
        }
    }

    @Test func byteByByteGivesTheSameEvents() throws {
        let fixture = Self.fixture
        #expect(try parse(fixture.bytes.map { [$0] }) == fixture.events)
    }

    @Test func eventsAreReturnedByTheFeedThatCompletesThem() throws {
        var parser = ServerSentEventParser()
        #expect(try parser.feed(Array("data: one\n".utf8)) == [])
        #expect(try parser.feed(Array("\ndata: two\n\nda".utf8)) == [ServerSentEvent(data: "one"), ServerSentEvent(data: "two")])
        #expect(try parser.feed(Array("ta: three\n\n".utf8)) == [ServerSentEvent(data: "three")])
        #expect(parser.finish() == nil)
    }

    @Test func lineEndingsLFCRLFAndCRAreEquivalent() throws {
        let expected = [ServerSentEvent(event: "ping", data: "a\nb")]
        #expect(try parse("event: ping\ndata: a\ndata: b\n\n") == expected)
        #expect(try parse("event: ping\r\ndata: a\r\ndata: b\r\n\r\n") == expected)
        #expect(try parse("event: ping\rdata: a\rdata: b\r\r") == expected)
    }

    @Test func crlfSplitBetweenChunksIsOneLineEnding() throws {
        var parser = ServerSentEventParser()
        #expect(try parser.feed(Array("data: a\r".utf8)) == [])
        // Were the LF counted as a second line ending, this would dispatch "a" now.
        #expect(try parser.feed(Array("\ndata: b\r".utf8)) == [])
        #expect(try parser.feed(Array("\n\r\n".utf8)) == [ServerSentEvent(data: "a\nb")])
    }

    @Test func commentsAndUnknownFieldsAreIgnored() throws {
        let text = ": comment\nid: 7\nretry: 100\nfoo: bar\ndata: x\n:another\n\n"
        #expect(try parse(text) == [ServerSentEvent(data: "x")])
        #expect(try parse(": only a comment\n\n") == [])
    }

    @Test func onlyOneLeadingSpaceIsStripped() throws {
        #expect(try parse("data:x\n\n") == [ServerSentEvent(data: "x")])
        #expect(try parse("data:  x \n\n") == [ServerSentEvent(data: " x ")])
        #expect(try parse("data: a:b: c\n\n") == [ServerSentEvent(data: "a:b: c")])
        #expect(try parse("data\n\n") == [ServerSentEvent(data: "")])
    }

    @Test func eventNameAppliesToItsEventOnly() throws {
        let text = "event: message_start\ndata: 1\n\ndata: 2\n\nevent: ping\n\ndata: 3\n\n"
        #expect(
            try parse(text) == [
                ServerSentEvent(event: "message_start", data: "1"),
                ServerSentEvent(data: "2"),
                ServerSentEvent(data: "3"),
            ])
    }

    @Test func blankLinesWithoutDataDispatchNothing() throws {
        #expect(try parse("\n\n\r\n\r\r") == [])
        #expect(try parse("data: \n\n") == [ServerSentEvent(data: "")])
    }

    @Test func multibyteCharacterSplitAcrossChunksIsIntact() throws {
        let bytes = Array("data: é😀✓\n\n".utf8)
        let emojiStart = 8  // "data: " is 6 bytes, "é" 2
        for split in (emojiStart + 1)...(emojiStart + 3) {
            let events = try parse([Array(bytes[..<split]), Array(bytes[split...])])
            #expect(events == [ServerSentEvent(data: "é😀✓")], "split at byte \(split)")
        }
    }

    @Test func overlongLineIsAnUpstreamFailure() throws {
        var parser = ServerSentEventParser()
        let line = [UInt8](repeating: UInt8(ascii: "x"), count: ServerSentEventParser.maximumLineLength)
        #expect(try parser.feed(line) == [])
        let error = try #require(throws: SluiceError.self) { try parser.feed([UInt8(ascii: "x")]) }
        #expect(error == SluiceError.upstreamFailed("upstream sent an event line longer than 16777216 bytes"))
    }

    @Test func finishDispatchesATrailingEvent() throws {
        #expect(try parse("event: done\ndata: last") == [ServerSentEvent(event: "done", data: "last")])
        #expect(try parse("data: last\n") == [ServerSentEvent(data: "last")])
        #expect(try parse("data: last\r") == [ServerSentEvent(data: "last")])
        #expect(try parse("data: a\n\nevent: orphan\n") == [ServerSentEvent(data: "a")])
        var parser = ServerSentEventParser()
        #expect(parser.finish() == nil)
    }
}

@Suite struct ServerSentEventTests {
    private func parse(_ bytes: [UInt8]) throws -> [ServerSentEvent] {
        var parser = ServerSentEventParser()
        var events = try parser.feed(bytes)
        if let last = parser.finish() { events.append(last) }
        return events
    }

    @Test func encodesNamedEvent() {
        let event = ServerSentEvent(event: "message_start", data: #"{"type":"message_start"}"#)
        #expect(event.encoded() == Array("event: message_start\ndata: {\"type\":\"message_start\"}\n\n".utf8))
    }

    @Test func encodesUnnamedEvent() {
        #expect(ServerSentEvent(data: "[DONE]").encoded() == Array("data: [DONE]\n\n".utf8))
        #expect(ServerSentEvent(data: "").encoded() == Array("data: \n\n".utf8))
    }

    @Test func encodesEachLineOfDataSeparately() {
        #expect(ServerSentEvent(data: "a\n\nb\n").encoded() == Array("data: a\ndata: \ndata: b\ndata: \n\n".utf8))
    }

    @Test(arguments: [
        ServerSentEvent(event: "message_start", data: #"{"type":"message_start"}"#),
        ServerSentEvent(data: "[DONE]"),
        ServerSentEvent(data: ""),
        ServerSentEvent(data: "two\nlines"),
        ServerSentEvent(event: "x", data: "\nleading and trailing\n"),
        ServerSentEvent(data: "\n\n"),
        ServerSentEvent(data: " starts with a space"),
        ServerSentEvent(data: ": looks like a comment"),
        ServerSentEvent(event: "ünïcode", data: "é😀✓"),
    ])
    func parsingTheEncodingGivesTheEventBack(_ event: ServerSentEvent) throws {
        #expect(try parse(event.encoded()) == [event])
    }

    @Test func encodedEventsConcatenateIntoAStream() throws {
        let events = (0..<5).map { ServerSentEvent(event: $0.isMultiple(of: 2) ? "even" : nil, data: "n=\($0)\nnext") }
        #expect(try parse(events.flatMap { $0.encoded() }) == events)
    }
}

extension ServerSentEventParserTests {
    @Test func aLeadingByteOrderMarkIsDropped() throws {
        var parser = ServerSentEventParser()
        let events = try parser.feed([0xEF, 0xBB, 0xBF] + Array("data: first\n\ndata: second\n\n".utf8))
        #expect(events.map(\.data) == ["first", "second"])
    }
}

extension ServerSentEventTests {
    @Test(arguments: ["a\r\nb", "a\rb", "a\nb\r\n\rc"])
    func carriageReturnsInDataSurviveARoundTrip(_ data: String) throws {
        var parser = ServerSentEventParser()
        let decoded = try parser.feed(ServerSentEvent(event: "x", data: data).encoded())
        let expected = data.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .joined(separator: "\n")
        #expect(decoded == [ServerSentEvent(event: "x", data: expected)])
    }
}

@testable import SluiceLlama
import Testing

/// Stop sequences across token boundaries, held-back text and split UTF-8, without a model.
struct StopSequenceMatcherTests {
    private let userStop = StopSequenceMatcher.Stop(text: "STOP", isClientStop: true)
    private let templateStop = StopSequenceMatcher.Stop(text: "<|end|>", isClientStop: false)

    /// Feeds `text` cut into `pieces`; returns what was emitted and the stop found, if any.
    private func run(_ pieces: [String], stops: [StopSequenceMatcher.Stop]) -> (String, StopSequenceMatcher.Stop?) {
        var matcher = StopSequenceMatcher(stops: stops)
        var output = ""
        for piece in pieces {
            let (text, stop) = matcher.feed(Array(piece.utf8))
            output += text
            if let stop { return (output, stop) }
        }
        return (output + matcher.finish(), nil)
    }

    @Test func stopSequenceSplitOverTokensIsFoundAndNeverEmitted() {
        let (text, stop) = run(["Hello S", "T", "OP and more"], stops: [userStop])
        #expect(text == "Hello ")
        #expect(stop == userStop)
    }

    @Test func everyCutOfTheTextGivesTheSameAnswer() {
        let full = "abc<|en<|end|>xyz STOP tail"
        let bytes = Array(full.utf8)
        for first in 1..<bytes.count {
            for second in first..<bytes.count {
                let pieces = [bytes[..<first], bytes[first..<second], bytes[second...]].map { String(decoding: $0, as: UTF8.self) }
                let (text, stop) = run(pieces, stops: [userStop, templateStop])
                #expect(text == "abc<|en", "cut at \(first), \(second)")
                #expect(stop == templateStop)
            }
        }
    }

    @Test func aPossibleStartIsHeldBackUntilItIsDecided() {
        var matcher = StopSequenceMatcher(stops: [userStop])
        #expect(matcher.feed(Array("go ST".utf8)).text == "go ")
        #expect(matcher.feed(Array("ART".utf8)).text == "START")
        #expect(matcher.finish() == "")
    }

    @Test func heldTextIsFlushedAtTheEnd() {
        let (text, stop) = run(["answer ST"], stops: [userStop])
        #expect(text == "answer ST")
        #expect(stop == nil)
    }

    @Test func theEarliestStopWinsWhateverItsOrder() {
        let late = StopSequenceMatcher.Stop(text: "cd", isClientStop: true)
        let early = StopSequenceMatcher.Stop(text: "bcde", isClientStop: true)
        let (text, stop) = run(["abcdef"], stops: [late, early])
        #expect(text == "a")
        #expect(stop == early)
    }

    @Test func aCharacterSplitOverByteTokensIsHeldUntilComplete() {
        var matcher = StopSequenceMatcher(stops: [])
        let euro = Array("€".utf8)  // three bytes
        #expect(matcher.feed(euro[..<1]).text == "")
        #expect(matcher.feed(euro[1..<2]).text == "")
        #expect(matcher.feed(euro[2...] + Array("!".utf8)).text == "€!")
    }

    @Test func aStopMadeOfMultibyteCharactersIsFound() {
        let stop = StopSequenceMatcher.Stop(text: "—end", isClientStop: true)
        let bytes = Array("a—end".utf8)
        var matcher = StopSequenceMatcher(stops: [stop])
        var output = ""
        var found: StopSequenceMatcher.Stop?
        for byte in bytes where found == nil {
            let (text, match) = matcher.feed([byte])
            output += text
            found = match
        }
        #expect(output == "a")
        #expect(found == stop)
    }
}

import SluiceConfig
import Testing

@testable import SluiceServer

@Suite struct ConnectionDeadlinesTests {
    let start = ContinuousClock.now
    var limits: ConnectionLimits {
        var limits = ConnectionLimits()
        limits.headerTimeout = .seconds(10)
        limits.bodyTimeout = .seconds(30)
        limits.idleTimeout = .seconds(60)
        return limits
    }

    func at(_ seconds: Double) -> ContinuousClock.Instant { start.advanced(by: .milliseconds(Int64(seconds * 1000))) }

    @Test func aSilentConnectionIsClosedAtTheHeaderTimeoutWithoutAnAnswer() {
        var deadlines = ConnectionDeadlines(limits: limits, openedAt: start)
        #expect(deadlines.deadline == at(10))
        #expect(deadlines.expire(at: at(9.9)) == nil)
        #expect(deadlines.expire(at: at(10)) == .header(partial: false))
        #expect(deadlines.deadline == nil)
    }

    @Test func slowHeadersDoNotMoveTheHeaderDeadline() {
        var deadlines = ConnectionDeadlines(limits: limits, openedAt: start)
        for second in 1...9 { deadlines.bytesReceived(at: at(Double(second))) }
        #expect(deadlines.deadline == at(10))
        #expect(deadlines.expire(at: at(10)) == .header(partial: true))
        // The 408 goes out and the connection lingers, draining, for a moment.
        #expect(deadlines.isLingering)
        #expect(deadlines.expire(at: at(12)) == .linger)
        #expect(deadlines.expire(at: at(100)) == nil)
    }

    @Test func theBodyDeadlineMovesWithEveryPiece() {
        var deadlines = ConnectionDeadlines(limits: limits, openedAt: start)
        deadlines.bytesReceived(at: at(1))
        deadlines.headReceived(at: at(1))
        #expect(deadlines.deadline == at(31))
        deadlines.bytesReceived(at: at(20))
        #expect(deadlines.deadline == at(50))
        #expect(deadlines.expire(at: at(49)) == nil)
        #expect(deadlines.expire(at: at(50)) == .body)
        // Reported once: the request is now answered with a 408.
        #expect(deadlines.deadline == nil)
    }

    @Test func theClientOwesNothingWhileItsRequestIsAnswered() {
        var deadlines = ConnectionDeadlines(limits: limits, openedAt: start)
        deadlines.headReceived(at: at(1))
        deadlines.requestEnded(at: at(1))
        #expect(deadlines.deadline == nil)
        #expect(deadlines.expire(at: at(1000)) == nil)
        deadlines.responseEnded(at: at(500))
        #expect(deadlines.deadline == at(560))
    }

    @Test func anIdleConnectionIsClosedAndANewRequestGetsItsOwnHeaderTimeout() {
        var deadlines = ConnectionDeadlines(limits: limits, openedAt: start)
        deadlines.headReceived(at: at(1))
        deadlines.requestEnded(at: at(1))
        deadlines.responseEnded(at: at(2))
        #expect(deadlines.deadline == at(62))
        deadlines.bytesReceived(at: at(30))
        #expect(deadlines.deadline == at(40), "the next request's headers are due 10 s after its first byte")

        var idle = ConnectionDeadlines(limits: limits, openedAt: start)
        idle.headReceived(at: at(1))
        idle.requestEnded(at: at(1))
        idle.responseEnded(at: at(2))
        #expect(idle.expire(at: at(62)) == .idle)
    }

    @Test func anEarlyResponseStillWaitsForTheRestOfTheBody() {
        var deadlines = ConnectionDeadlines(limits: limits, openedAt: start)
        deadlines.headReceived(at: at(1))
        deadlines.responseEnded(at: at(2))
        #expect(deadlines.deadline == at(31))
        deadlines.requestEnded(at: at(3))
        #expect(deadlines.deadline == at(63))
    }

    @Test func aBodyTimeoutAfterTheAnswerEndsTheConnection() {
        var deadlines = ConnectionDeadlines(limits: limits, openedAt: start)
        deadlines.headReceived(at: at(1))
        deadlines.responseEnded(at: at(2))
        #expect(deadlines.expire(at: at(31)) == .body)
        #expect(deadlines.isLingering)
    }

    @Test func closingTheOutputLingersOnceAndAClosedConnectionHasNoDeadline() {
        var deadlines = ConnectionDeadlines(limits: limits, openedAt: start)
        deadlines.outputClosed(at: at(1))
        deadlines.outputClosed(at: at(1.5))
        #expect(deadlines.deadline == at(3))
        deadlines.bytesReceived(at: at(2))
        #expect(deadlines.deadline == at(3), "what a client sends after the close does not keep it open")
        deadlines.closed()
        #expect(deadlines.deadline == nil)
        deadlines.headReceived(at: at(4))
        #expect(deadlines.deadline == nil)
    }

    @Test func http2LeavesTheConnectionToItsStreamsOnceNegotiated() {
        var deadlines = ConnectionDeadlines(limits: limits, openedAt: start)
        // The handshake ran under the header timeout; then the streams keep their own deadlines.
        deadlines.multiplexed(at: at(1))
        deadlines.streamOpened()
        #expect(deadlines.deadline == nil)
        deadlines.bytesReceived(at: at(5))
        deadlines.headReceived(at: at(5))
        #expect(deadlines.deadline == nil)
        #expect(deadlines.expire(at: at(1000)) == nil)
    }

    @Test func anHTTP2ConnectionWithoutStreamsIsCutOnceTheClientHadTimeToAnswerTheIdleClose() {
        var deadlines = ConnectionDeadlines(limits: limits, openedAt: start)
        deadlines.multiplexed(at: at(1))
        #expect(deadlines.deadline == at(66), "idle timeout plus the grace for the client's PING answer")
        deadlines.streamOpened()
        deadlines.streamOpened()
        deadlines.streamClosed(at: at(10))
        #expect(deadlines.deadline == nil, "one stream is still open")
        deadlines.bytesReceived(at: at(20))
        deadlines.streamClosed(at: at(30))
        #expect(deadlines.deadline == at(95))
        deadlines.streamClosed(at: at(40))
        #expect(deadlines.deadline == at(95), "a close without an open stream changes nothing")
        #expect(deadlines.expire(at: at(94)) == nil)
        #expect(deadlines.expire(at: at(95)) == .idle)
        #expect(deadlines.deadline == nil)
    }

    @Test func http2NegotiatedAfterARequestBeganChangesNothing() {
        var deadlines = ConnectionDeadlines(limits: limits, openedAt: start)
        deadlines.headReceived(at: at(1))
        deadlines.multiplexed(at: at(1))
        #expect(deadlines.deadline == at(31))
    }

    @Test func aStreamBodyThatStopsIsTimedOutOnce() {
        // An HTTP/2 stream: the deadlines start with its headers, already complete.
        var deadlines = ConnectionDeadlines(limits: limits, openedAt: start)
        deadlines.headReceived(at: start)
        deadlines.bytesReceived(at: at(10))
        #expect(deadlines.deadline == at(40))
        #expect(deadlines.expire(at: at(40)) == .body)
        #expect(deadlines.deadline == nil)
        deadlines.responseEnded(at: at(41))
        #expect(deadlines.deadline == at(101))
    }
}

import Testing

@testable import SluiceCurl

/// The transfer state machine without I/O: waiters are plain labels, actions are compared by description.
@Suite struct TransferStateMachineTests {
    typealias Machine = TransferStateMachine<String, String>

    private func streamingMachine(highWaterMark: Int = 10, lowWaterMark: Int = 4) -> Machine {
        var machine = Machine(highWaterMark: highWaterMark, lowWaterMark: lowWaterMark)
        _ = machine.start("head")
        _ = machine.headReceived()
        return machine
    }

    private func bytes(_ count: Int, _ value: UInt8 = 1) -> [UInt8] {
        [UInt8](repeating: value, count: count)
    }

    @Test func headGoesToTheWaiterThatStartedTheTransfer() {
        var machine = Machine(highWaterMark: 10, lowWaterMark: 4)
        #expect("\(machine.start("head"))" == "submit")
        #expect(machine.isWaitingForHead)
        #expect("\(machine.headReceived())" == #"deliver("head")"#)
        #expect(!machine.isWaitingForHead)
    }

    @Test func receivingPausesAtHighWaterAndResumesAtLowWater() {
        var machine = self.streamingMachine(highWaterMark: 10, lowWaterMark: 4)
        #expect("\(machine.bodyReceived(self.bytes(6)))" == "buffered")
        #expect("\(machine.bodyReceived(self.bytes(6, 2)))" == "buffered")
        // 12 bytes buffered: the next chunk is refused and receiving pauses.
        #expect("\(machine.bodyReceived(self.bytes(6, 3)))" == "pause")
        #expect(machine.isReceivePaused)
        #expect(machine.pauseCount == 1)
        #expect(machine.peakBufferedBytes == 12)
        // 6 left is above the low-water mark: stay paused.
        #expect("\(machine.read())" == "chunk([1, 1, 1, 1, 1, 1], resume: false)")
        // 0 left: ask for a resume, once.
        #expect("\(machine.read())" == "chunk([2, 2, 2, 2, 2, 2], resume: true)")
        #expect("\(machine.read())" == "wait")
        let resumed = machine.resumeReceiving()
        #expect(resumed)
        #expect(!machine.isReceivePaused)
        let resumedAgain = machine.resumeReceiving()
        #expect(!resumedAgain)
    }

    @Test func chunkGoesStraightToAWaitingReader() {
        var machine = self.streamingMachine()
        #expect("\(machine.wait("reader"))" == "suspended")
        #expect("\(machine.bodyReceived(self.bytes(3)))" == #"deliver("reader", [1, 1, 1])"#)
        #expect(machine.peakBufferedBytes == 0)
    }

    @Test func failureComesAfterTheBufferedChunks() {
        var machine = self.streamingMachine()
        _ = machine.bodyReceived(self.bytes(2))
        #expect("\(machine.transferFinished(.failure(.remoteConnectionClosed)))" == "none")
        #expect("\(machine.read())" == "chunk([1, 1], resume: false)")
        #expect("\(machine.read())" == "fail(CurlError.remoteConnectionClosed)")
        #expect("\(machine.read())" == "end")
    }

    @Test func successEndsAWaitingReader() {
        var machine = self.streamingMachine()
        _ = machine.wait("reader")
        #expect(
            "\(machine.transferFinished(.success(())))"
                == #"resumeBody("reader", Swift.Result<Swift.Optional<Swift.Array<Swift.UInt8>>, SluiceCurl.CurlError>.success(nil))"#
        )
    }

    @Test func failureBeforeTheHeadFailsTheHeadWaiter() {
        var machine = Machine(highWaterMark: 10, lowWaterMark: 4)
        _ = machine.start("head")
        #expect("\(machine.transferFinished(.failure(.connectionFailed)))" == #"failHead("head", CurlError.connectionFailed)"#)
    }

    @Test func cancelBeforeStartFailsTheStart() {
        var machine = Machine(highWaterMark: 10, lowWaterMark: 4)
        #expect("\(machine.cancel(.cancelled))" == "none")
        #expect("\(machine.start("head"))" == #"fail("head", CurlError.cancelled)"#)
    }

    @Test func cancelWhileStreamingAbortsAndFailsTheReader() {
        var machine = self.streamingMachine()
        _ = machine.wait("reader")
        #expect(
            "\(machine.cancel(.cancelled))"
                == #"abort(failing: Optional(SluiceCurl.TransferStateMachine<Swift.String, Swift.String>.Waiter.body("reader")))"#
        )
        #expect("\(machine.bodyReceived(self.bytes(1)))" == "abort")
        #expect("\(machine.transferFinished(.failure(.cancelled)))" == "none")
    }

    @Test func cancelAfterCompletionIsNotMistakenForTheEnd() {
        var machine = self.streamingMachine()
        _ = machine.bodyReceived(self.bytes(2))
        _ = machine.transferFinished(.success(()))
        #expect("\(machine.cancel(.cancelled))" == "none")
        #expect("\(machine.read())" == "fail(CurlError.cancelled)")
    }

    @Test func droppingTheBodyCancelsOnlyWithoutAnIterator() {
        var withIterator = self.streamingMachine()
        withIterator.iteratorCreated()
        #expect("\(withIterator.bodyReleased())" == "none")

        var withoutIterator = self.streamingMachine()
        #expect("\(withoutIterator.bodyReleased())" == "abort(failing: nil)")
    }
}

@Suite struct CurlHeadersTests {
    @Test func lookupIgnoresCaseAndKeepsOrder() {
        var headers: CurlHeaders = ["Content-Type": "text/event-stream", "Set-Cookie": "a=1"]
        headers.add(name: "set-cookie", value: "b=2")
        #expect(headers["content-type"] == "text/event-stream")
        #expect(headers["CONTENT-TYPE"] == "text/event-stream")
        #expect(headers.values(for: "Set-Cookie") == ["a=1", "b=2"])
        #expect(headers["Content-Typf"] == nil)
        headers.remove(name: "SET-COOKIE")
        #expect(headers.map(\.name) == ["Content-Type"])
    }
}

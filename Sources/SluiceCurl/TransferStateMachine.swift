/// What the consumer side of one transfer knows: whether the response head has arrived, which body
/// chunks are buffered between libcurl's write callback and the body iterator, whether receiving is
/// paused for backpressure, and how the transfer ended.
///
/// A value type that returns actions and resumes nothing itself; ``CurlTransfer`` runs it under a
/// lock and performs the actions after unlocking. It is generic over the waiters so that it can be
/// tested without continuations or I/O.
struct TransferStateMachine<HeadWaiter, BodyWaiter> {
    private enum State {
        /// `execute` has not asked for the head yet.
        case idle
        case waitingForHead(HeadWaiter)
        case streaming(Body)
        /// Nothing more will be delivered; `pendingError` is thrown by the next read, once.
        case finished(pendingError: CurlError?)
    }

    private struct Body {
        var chunks: [[UInt8]] = []
        var bufferedBytes = 0
        var waiter: BodyWaiter?
        /// Set when libcurl is done with the transfer; delivered after the buffered chunks.
        var result: Result<Void, CurlError>?
        var isPaused = false
        var isResumeRequested = false
    }

    enum Waiter {
        case head(HeadWaiter)
        case body(BodyWaiter)
    }

    enum StartAction {
        /// Hand the transfer to the multi loop.
        case submit
        case fail(HeadWaiter, CurlError)
    }

    enum HeadAction {
        case deliver(HeadWaiter)
        /// Nobody wants the response any more: stop the transfer.
        case abort
    }

    enum ReceiveAction {
        case deliver(BodyWaiter, [UInt8])
        case buffered
        /// Tell libcurl to pause and to deliver these bytes again when resumed.
        case pause
        case abort
    }

    enum ReadAction {
        /// A chunk; if `resume`, ask the multi loop to unpause the transfer.
        case chunk([UInt8], resume: Bool)
        case end
        case fail(CurlError)
        case wait
    }

    enum WaitAction {
        case suspended
        /// Something arrived between the failed read and the wait: resume the waiter with it.
        case resumeNow(BodyWaiter, ReadAction)
    }

    enum FinishAction {
        case none
        case failHead(HeadWaiter, CurlError)
        case resumeBody(BodyWaiter, Result<[UInt8]?, CurlError>)
    }

    enum CancelAction {
        /// The transfer already ended.
        case none
        /// Remove the transfer from the multi handle and fail the waiter, if any.
        case abort(failing: Waiter?)
    }

    private var state = State.idle
    private var hasIterator = false
    private let highWaterMark: Int
    private let lowWaterMark: Int

    /// The most body bytes ever buffered at once; for tests.
    private(set) var peakBufferedBytes = 0
    /// How many times receiving was paused for backpressure; for tests.
    private(set) var pauseCount = 0

    /// - Parameters:
    ///   - highWaterMark: Receiving pauses when a chunk arrives while at least this many bytes are buffered.
    ///   - lowWaterMark: Receiving resumes once the consumer drains the buffer to this many bytes or fewer.
    init(highWaterMark: Int, lowWaterMark: Int) {
        precondition(highWaterMark > 0 && lowWaterMark >= 0 && lowWaterMark < highWaterMark)
        self.highWaterMark = highWaterMark
        self.lowWaterMark = lowWaterMark
    }

    /// Whether the transfer still waits for its head; the multi loop adds only such transfers.
    var isWaitingForHead: Bool {
        if case .waitingForHead = self.state { return true }
        return false
    }

    /// Whether libcurl is paused by backpressure, so the idle-read timeout must not run.
    var isReceivePaused: Bool {
        if case .streaming(let body) = self.state { return body.isPaused }
        return false
    }

    // MARK: Consumer side

    mutating func start(_ waiter: HeadWaiter) -> StartAction {
        switch self.state {
        case .idle:
            self.state = .waitingForHead(waiter)
            return .submit
        case .finished(let pendingError):
            self.state = .finished(pendingError: nil)
            return .fail(waiter, pendingError ?? .cancelled)
        case .waitingForHead, .streaming:
            preconditionFailure("A transfer is started once")
        }
    }

    mutating func read() -> ReadAction {
        switch self.state {
        case .streaming(var body):
            if !body.chunks.isEmpty {
                let chunk = body.chunks.removeFirst()
                body.bufferedBytes -= chunk.count
                let resume = body.isPaused && !body.isResumeRequested && body.bufferedBytes <= self.lowWaterMark
                if resume {
                    body.isResumeRequested = true
                }
                self.state = .streaming(body)
                return .chunk(chunk, resume: resume)
            }
            switch body.result {
            case .none:
                return .wait
            case .success:
                self.state = .finished(pendingError: nil)
                return .end
            case .failure(let error):
                self.state = .finished(pendingError: nil)
                return .fail(error)
            }
        case .finished(let pendingError):
            self.state = .finished(pendingError: nil)
            return pendingError.map { .fail($0) } ?? .end
        case .idle, .waitingForHead:
            preconditionFailure("The body exists only once the head arrived")
        }
    }

    mutating func wait(_ waiter: BodyWaiter) -> WaitAction {
        let action = self.read()
        guard case .wait = action else {
            return .resumeNow(waiter, action)
        }
        guard case .streaming(var body) = self.state else {
            preconditionFailure("Only a streaming body waits")
        }
        precondition(body.waiter == nil, "A response body is read by one iterator at a time")
        body.waiter = waiter
        self.state = .streaming(body)
        return .suspended
    }

    mutating func cancel(_ error: CurlError) -> CancelAction {
        switch self.state {
        case .idle:
            self.state = .finished(pendingError: error)
            return .none
        case .waitingForHead(let waiter):
            self.state = .finished(pendingError: nil)
            return .abort(failing: .head(waiter))
        case .streaming(let body):
            if body.result != nil {
                // libcurl is done; only the buffered chunks go, and a later read must not
                // mistake that for the end of the body.
                self.state = .finished(pendingError: error)
                return .none
            }
            if let waiter = body.waiter {
                self.state = .finished(pendingError: nil)
                return .abort(failing: .body(waiter))
            }
            self.state = .finished(pendingError: error)
            return .abort(failing: nil)
        case .finished:
            return .none
        }
    }

    mutating func iteratorCreated() {
        self.hasIterator = true
    }

    /// The last copy of the body sequence went away; without an iterator nobody will read it.
    mutating func bodyReleased() -> CancelAction {
        self.hasIterator ? .none : self.cancel(.cancelled)
    }

    // MARK: Multi loop side

    mutating func headReceived() -> HeadAction {
        switch self.state {
        case .waitingForHead(let waiter):
            self.state = .streaming(Body())
            return .deliver(waiter)
        case .finished:
            return .abort
        case .idle, .streaming:
            preconditionFailure("The head arrives once, after the transfer started")
        }
    }

    mutating func bodyReceived(_ chunk: [UInt8]) -> ReceiveAction {
        guard case .streaming(var body) = self.state else {
            return .abort
        }
        if let waiter = body.waiter {
            body.waiter = nil
            self.state = .streaming(body)
            return .deliver(waiter, chunk)
        }
        if body.bufferedBytes >= self.highWaterMark {
            if !body.isPaused {
                self.pauseCount += 1
            }
            body.isPaused = true
            self.state = .streaming(body)
            return .pause
        }
        body.chunks.append(chunk)
        body.bufferedBytes += chunk.count
        self.peakBufferedBytes = max(self.peakBufferedBytes, body.bufferedBytes)
        self.state = .streaming(body)
        return .buffered
    }

    /// The multi loop is about to unpause libcurl; returns whether it is paused at all.
    mutating func resumeReceiving() -> Bool {
        guard case .streaming(var body) = self.state, body.isPaused else {
            return false
        }
        body.isPaused = false
        body.isResumeRequested = false
        self.state = .streaming(body)
        return true
    }

    /// libcurl is done with the transfer, successfully or not.
    mutating func transferFinished(_ result: Result<Void, CurlError>) -> FinishAction {
        switch self.state {
        case .idle:
            self.state = .finished(pendingError: nil)
            return .none
        case .waitingForHead(let waiter):
            self.state = .finished(pendingError: nil)
            switch result {
            case .success:
                // The connection ended cleanly without a response head.
                return .failHead(waiter, .remoteConnectionClosed)
            case .failure(let error):
                return .failHead(waiter, error)
            }
        case .streaming(var body):
            if let waiter = body.waiter {
                self.state = .finished(pendingError: nil)
                return .resumeBody(waiter, result.map { nil })
            }
            body.result = result
            body.isPaused = false
            self.state = .streaming(body)
            return .none
        case .finished:
            return .none
        }
    }
}

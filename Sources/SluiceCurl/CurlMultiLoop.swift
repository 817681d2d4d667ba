internal import CCurl
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one thread that drives libcurl: it owns the multi handle (and so the connection pool) and
/// makes every libcurl call on the easy handles it was given, sleeping in `curl_multi_poll` in
/// between. Other threads talk to it only through a locked command queue and `curl_multi_wakeup`.
///
/// `@unchecked Sendable`: `multi` is used by the loop thread only, except for
/// `curl_multi_wakeup`, which libcurl documents as safe from any thread, and `curl_multi_cleanup`
/// in `deinit`, after the thread (which holds a strong reference) ended. `transfers` is loop thread
/// only; `queue` is behind a mutex.
final class CurlMultiLoop: @unchecked Sendable {
    enum Command {
        case add(CurlTransfer)
        case remove(CurlTransfer)
        case resume(CurlTransfer)
    }

    private enum Lifecycle {
        case running
        case shuttingDown
        case stopped
    }

    private struct Queue {
        var commands: [Command] = []
        var lifecycle = Lifecycle.running
        var shutdownWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// How often, at most, idle-read timeouts are checked while transfers run.
    private static let idleCheckInterval = Duration.milliseconds(100)
    /// How long to sleep when nothing runs; submitted work wakes the thread anyway.
    private static let quietPollTimeout = Duration.seconds(5)

    private let multi: UnsafeMutableRawPointer
    private let queue = Mutex(Queue())
    private let logger: Logger
    /// Loop thread only: the transfers added to the multi handle, by easy handle.
    private var transfers: [UnsafeMutableRawPointer: CurlTransfer] = [:]

    init(logger: Logger) {
        CurlGlobal.initialize()
        guard let multi = curl_multi_init() else {
            fatalError("curl_multi_init failed")
        }
        self.multi = multi
        self.logger = logger
        // Multiplex transfers to one host over a single HTTP/2 connection (libcurl's default, made explicit).
        _ = sluice_curl_multi_setopt_long(multi, CURLMOPT_PIPELINING, sluice_curl_pipe_multiplex())
    }

    deinit {
        curl_multi_cleanup(self.multi)
    }

    /// Starts the loop thread, which keeps the loop alive until it stops.
    func start() {
        let unmanagedSelf = Unmanaged.passRetained(self)
        var thread = pthread_t()
        let result = pthread_create(
            &thread,
            nil,
            { argument in
                let loop = Unmanaged<CurlMultiLoop>.fromOpaque(argument!).takeRetainedValue()
                loop.run()
                return nil
            },
            unmanagedSelf.toOpaque()
        )
        precondition(result == 0, "pthread_create failed: \(result)")
        pthread_detach(thread)
    }

    /// Queues a command for the loop thread and wakes it; returns `false` once shutdown began.
    func submit(_ command: Command) -> Bool {
        let wake: Bool? = self.queue.withLock { queue in
            guard case .running = queue.lifecycle else {
                return nil
            }
            queue.commands.append(command)
            // One wakeup per batch: the loop takes all queued commands at once.
            return queue.commands.count == 1
        }
        guard let wake else {
            return false
        }
        if wake {
            curl_multi_wakeup(self.multi)
        }
        return true
    }

    /// Stops the loop: in-flight transfers fail with ``CurlError/shutdown``. Returns once the thread
    /// is done with libcurl.
    func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let stopped: Bool = self.queue.withLock { queue in
                switch queue.lifecycle {
                case .running, .shuttingDown:
                    queue.lifecycle = .shuttingDown
                    queue.shutdownWaiters.append(continuation)
                    return false
                case .stopped:
                    return true
                }
            }
            if stopped {
                continuation.resume()
            } else {
                curl_multi_wakeup(self.multi)
            }
        }
    }

    /// Asks the loop to stop without waiting for it.
    func initiateShutdown() {
        let wake: Bool = self.queue.withLock { queue in
            guard case .running = queue.lifecycle else {
                return false
            }
            queue.lifecycle = .shuttingDown
            return true
        }
        if wake {
            curl_multi_wakeup(self.multi)
        }
    }

    // MARK: Loop thread

    private func run() {
        self.logger.debug("curl multi loop started")
        var lastIdleCheck = ContinuousClock.now
        while true {
            let (commands, isShuttingDown) = self.queue.withLock { queue in
                defer { queue.commands.removeAll(keepingCapacity: true) }
                return (queue.commands, queue.lifecycle != .running)
            }
            for command in commands {
                self.handle(command)
            }
            if isShuttingDown {
                break
            }

            var running: CInt = 0
            let performCode = curl_multi_perform(self.multi, &running)
            if performCode != CURLM_OK {
                self.logger.error("curl_multi_perform failed", metadata: ["error": "\(CurlError(performCode))"])
            }
            self.finishCompletedTransfers()

            let now = ContinuousClock.now
            if now - lastIdleCheck >= Self.idleCheckInterval {
                lastIdleCheck = now
                self.abortIdleTransfers(now: now)
            }

            let timeout = self.transfers.isEmpty ? Self.quietPollTimeout : Self.idleCheckInterval
            let pollCode = curl_multi_poll(self.multi, nil, 0, CInt(timeout.roundedUpMilliseconds), nil)
            if pollCode != CURLM_OK {
                self.logger.error("curl_multi_poll failed", metadata: ["error": "\(CurlError(pollCode))"])
                // Never spin if polling keeps failing.
                usleep(10_000)
            }
        }

        if !self.transfers.isEmpty {
            self.logger.debug("curl client shutting down", metadata: ["transfers.aborted": "\(self.transfers.count)"])
        }
        for transfer in Array(self.transfers.values) {
            self.remove(transfer, result: .failure(.shutdown))
        }
        let waiters = self.queue.withLock { queue in
            queue.lifecycle = .stopped
            defer { queue.shutdownWaiters.removeAll() }
            return queue.shutdownWaiters
        }
        self.logger.debug("curl multi loop stopped")
        for waiter in waiters {
            waiter.resume()
        }
    }

    private func handle(_ command: Command) {
        switch command {
        case .add(let transfer):
            // Skip a transfer cancelled while queued.
            guard transfer.isWaitingForHead else {
                return
            }
            do {
                try curlMultiCall { curl_multi_add_handle(self.multi, transfer.easy) }
                self.transfers[transfer.easy] = transfer
            } catch {
                transfer.finish(.failure(error))
            }
        case .remove(let transfer):
            guard self.transfers[transfer.easy] != nil else {
                return
            }
            self.remove(transfer, result: .failure(.cancelled))
        case .resume(let transfer):
            guard self.transfers[transfer.easy] != nil else {
                return
            }
            do {
                try transfer.resumeReceiving(now: .now)
            } catch {
                self.remove(transfer, result: .failure(error))
            }
        }
    }

    private func finishCompletedTransfers() {
        var remaining: CInt = 0
        while let message = curl_multi_info_read(self.multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                let transfer = self.transfers[easy]
            else {
                continue
            }
            let code = message.pointee.data.result
            self.remove(transfer, result: code == CURLE_OK ? .success(()) : .failure(CurlError(code)))
        }
    }

    private func abortIdleTransfers(now: ContinuousClock.Instant) {
        for transfer in self.transfers.values where transfer.isIdle(at: now) {
            self.remove(transfer, result: .failure(.readTimeout))
        }
    }

    /// Detaches the transfer from the multi handle, which closes its connection if the response is
    /// incomplete, and reports how it ended.
    private func remove(_ transfer: CurlTransfer, result: Result<Void, CurlError>) {
        curl_multi_remove_handle(self.multi, transfer.easy)
        self.transfers[transfer.easy] = nil
        if case .failure(let error) = result {
            self.logger.trace("curl transfer failed", metadata: ["error": "\(error)"])
        }
        transfer.finish(result)
    }
}

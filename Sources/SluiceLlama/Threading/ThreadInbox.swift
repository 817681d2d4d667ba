internal import Foundation

/// Messages from request tasks to one of the engine's threads, which sleeps on it while it has
/// no work: the decode loop's and the embedding loop's.
///
/// `@unchecked Sendable`: `messages` and `stopped` are only touched under `condition`.
final class ThreadInbox<Message: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var messages: [Message] = []
    private var stopped = false

    func post(_ message: Message) {
        condition.lock()
        messages.append(message)
        condition.signal()
        condition.unlock()
    }

    /// Asks the thread to end after its current step.
    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    /// The messages posted since the last call, and whether the thread must stop (and fail
    /// whatever it holds); with `wait`, sleeps until there is a message or a stop.
    func next(wait: Bool) -> (messages: [Message], stopped: Bool) {
        condition.lock()
        defer { condition.unlock() }
        while wait, messages.isEmpty, !stopped { condition.wait() }
        defer { messages.removeAll() }
        return (messages, stopped)
    }
}

internal import Foundation

/// Commands from request tasks to the engine thread, which sleeps on it while it has no work.
///
/// `@unchecked Sendable`: `commands` and `stopped` are only touched under `condition`.
final class EngineInbox: @unchecked Sendable {
    enum Command {
        case submit(GenerationJob)
        case cancel(GenerationJob.ID)
    }

    private let condition = NSCondition()
    private var commands: [Command] = []
    private var stopped = false

    func post(_ command: Command) {
        condition.lock()
        commands.append(command)
        condition.signal()
        condition.unlock()
    }

    /// Asks the engine thread to end after its current step.
    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    /// The commands posted since the last call; with `wait`, sleeps until there is one. `nil` once stopped.
    func next(wait: Bool) -> [Command]? {
        condition.lock()
        defer { condition.unlock() }
        while wait, commands.isEmpty, !stopped { condition.wait() }
        if stopped { return nil }
        defer { commands.removeAll() }
        return commands
    }
}

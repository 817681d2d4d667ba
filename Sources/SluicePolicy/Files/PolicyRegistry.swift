internal import Foundation
public import Logging
internal import SluiceConfig
internal import Synchronization

/// The policies of `policies_dir`, compiled and kept current.
///
/// `reload()` re-reads files whose modification time or size changed since the last load, and
/// `reload(everyFile: true)` (SIGHUP) re-reads them all. A file that fails to load is
/// reported (file, line, reason) and its previous version stays in force, so a typo in a
/// running gateway's policy never switches a policy off.
public final class PolicyRegistry: Sendable {
    public let directory: String
    private let compiler: PolicyCompiler
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var policies: [String: CompiledPolicy] = [:]
        /// Policies whose file exists but has never loaded: requests under them are refused.
        var rejected: Set<String> = []
        /// Modification time and size of each file as last read, to notice edits.
        var stamps: [String: FileStamp] = [:]
    }

    public init(directory: String, compiler: PolicyCompiler, logger: Logger) {
        self.directory = directory
        self.compiler = compiler
        self.logger = logger
    }

    public func policy(named name: String) -> CompiledPolicy? {
        state.withLock { $0.policies[name] }
    }

    /// Whether a file for this policy exists but failed to load (and no earlier version is in force).
    public func hasRejectedFile(named name: String) -> Bool {
        state.withLock { $0.rejected.contains(name) }
    }

    public var policyNames: [String] {
        state.withLock { $0.policies.keys.sorted() }
    }

    /// Loads new and changed files and forgets deleted ones. Returns the files loaded and the
    /// problems found, for the audit log.
    ///
    /// - Parameter everyFile: re-read unchanged files too. A change that keeps a file's size and
    ///   modification time (an edit with the time restored, a coarse file-system clock) is
    ///   invisible to the cheap check the watcher uses; an explicit reload must not miss it.
    @discardableResult
    public func reload(everyFile: Bool = false) -> PolicyReload {
        let files = Self.policyFiles(in: directory)
        var outcome = PolicyReload()
        for (name, path) in files {
            let stamp = FileStamp(path: path)
            if !everyFile, let stamp, state.withLock({ $0.stamps[path] == stamp }) { continue }
            do throws(ConfigurationError) {
                let policy = try compiler.compile(try PolicyDocument.load(path: path))
                state.withLock {
                    $0.policies[name] = policy
                    $0.rejected.remove(name)
                    $0.stamps[path] = stamp
                }
                logger.info("loaded policy", metadata: ["policy": "\(name)", "file": "\(path)"])
                outcome.loaded.append(PolicyReload.File(policy: name, path: path))
            } catch {
                // Remember the stamp so a broken file is reported once, not on every poll.
                state.withLock {
                    $0.stamps[path] = stamp
                    if $0.policies[name] == nil { $0.rejected.insert(name) }
                }
                let kept = policy(named: name) != nil ? "; the previous version stays in force" : ""
                var metadata: Logger.Metadata = [
                    "file": "\(error.file ?? path)", "line": "\(error.line.map(String.init) ?? "-")", "reason": "\(error.message)",
                ]
                if let column = error.column { metadata["column"] = "\(column)" }
                logger.error("policy file rejected\(kept)", metadata: metadata)
                outcome.problems.append(PolicyReload.Problem(policy: name, path: path, error: error))
            }
        }
        let present = Set(files.map(\.name))
        state.withLock { state in
            for name in state.policies.keys where !present.contains(name) { state.policies[name] = nil }
            state.rejected.formIntersection(present)
            state.stamps = state.stamps.filter { FileManager.default.fileExists(atPath: $0.key) }
        }
        return outcome
    }

    /// `NAME.yaml` and `NAME.yml` files of a directory, by policy name.
    public static func policyFiles(in directory: String) -> [(name: String, path: String)] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return entries.sorted().compactMap { entry in
            let url = URL(fileURLWithPath: directory).appending(path: entry)
            guard ["yaml", "yml"].contains(url.pathExtension) else { return nil }
            return (url.deletingPathExtension().lastPathComponent, url.path)
        }
    }
}

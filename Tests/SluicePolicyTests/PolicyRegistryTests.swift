import Foundation
import Logging
import SluiceCore
import Testing

@testable import SluicePolicy

@Suite struct PolicyRegistryTests {
    /// A directory with `policy.yaml` refusing requests that mention `word`, and a registry on it.
    private func registry(refusing word: String) throws -> (PolicyRegistry, file: URL) {
        let directory = FileManager.default.temporaryDirectory.appending(path: "sluice-registry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appending(path: "policy.yaml")
        try Self.write(refusing: word, to: file)
        let compiler = PolicyCompiler(factories: [ContentStageFactory()], environment: PolicyEnvironment())
        return (PolicyRegistry(directory: directory.path, compiler: compiler, logger: Logger(label: "test")), file)
    }

    private static func write(refusing word: String, to file: URL) throws {
        try "stages: [content]\ncontent:\n  input: [{words: [\(word)]}]\n".write(to: file, atomically: false, encoding: .utf8)
    }

    /// Whether the loaded policy refuses a request mentioning `word`.
    private func refuses(_ registry: PolicyRegistry, _ word: String) async throws -> Bool {
        let policy = try #require(registry.policy(named: "policy"))
        let run = PolicyRun(stages: policy.stages, context: PolicyContext(keyID: "k", keyName: "k", policyName: "policy", requestID: "r"))
        var request = piiRequest("about \(word)")
        guard case .refuse = try await run.prepare(&request) else { return false }
        return true
    }

    @Test func aReloadOfEveryFileSeesAnEditThatKeptSizeAndModificationTime() async throws {
        let (registry, file) = try registry(refusing: "alpha")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        // A whole second, which survives the round trip through `Date` exactly.
        let modified = Date(timeIntervalSince1970: 1_760_000_000)
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: file.path)
        #expect(registry.reload().problems.isEmpty)
        #expect(try await refuses(registry, "alpha"))

        try Self.write(refusing: "bravo", to: file)
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: file.path)

        registry.reload()
        #expect(try await refuses(registry, "alpha"), "the watcher's cheap check sees no change")
        #expect(registry.reload(everyFile: true).problems.isEmpty)
        #expect(try await refuses(registry, "bravo"))
        #expect(try await !refuses(registry, "alpha"))
    }

    /// A Kubernetes ConfigMap volume: `policy.yaml -> ..data/policy.yaml`, `..data -> ..v1`; an
    /// update writes `..v2` and swaps `..data`, so the link itself never changes.
    @Test func aFileBehindSymbolicLinksIsReloadedWhenTheLinksTargetChanges() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "sluice-registry-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        for version in ["..v1", "..v2"] {
            try FileManager.default.createDirectory(at: directory.appending(path: version), withIntermediateDirectories: true)
        }
        try Self.write(refusing: "alpha", to: directory.appending(path: "..v1/policy.yaml"))
        try Self.write(refusing: "bravo", to: directory.appending(path: "..v2/policy.yaml"))
        // Alike in size and date: only the link says which one is current.
        for version in ["..v1", "..v2"] {
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSince1970: 1_760_000_000)],
                ofItemAtPath: directory.appending(path: "\(version)/policy.yaml").path)
        }
        try FileManager.default.createSymbolicLink(atPath: directory.appending(path: "..data").path, withDestinationPath: "..v1")
        try FileManager.default.createSymbolicLink(
            atPath: directory.appending(path: "policy.yaml").path, withDestinationPath: "..data/policy.yaml")
        let compiler = PolicyCompiler(factories: [ContentStageFactory()], environment: PolicyEnvironment())
        let registry = PolicyRegistry(directory: directory.path, compiler: compiler, logger: Logger(label: "test"))
        #expect(registry.reload().problems.isEmpty)
        #expect(try await refuses(registry, "alpha"))

        try FileManager.default.removeItem(atPath: directory.appending(path: "..data").path)
        try FileManager.default.createSymbolicLink(atPath: directory.appending(path: "..data").path, withDestinationPath: "..v2")
        #expect(registry.reload().problems.isEmpty)
        #expect(try await refuses(registry, "bravo"))
    }
}

public import SluiceConfig
public import SluiceCore

/// Builds a ``CompiledPolicy`` from a ``PolicyDocument`` with the registered stage factories,
/// turning every settings error into one that names the file and line.
public struct PolicyCompiler: Sendable {
    public let factories: [String: any PolicyStageFactory]
    public let environment: PolicyEnvironment

    public init(factories: [any PolicyStageFactory], environment: PolicyEnvironment) {
        self.factories = Dictionary(factories.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.environment = environment
    }

    public func compile(_ document: PolicyDocument) throws(ConfigurationError) -> CompiledPolicy {
        let known = factories.keys.sorted().joined(separator: ", ")
        for section in document.sections.keys.sorted() where factories[section] == nil {
            throw ConfigurationError(
                "unknown section '\(section)' (stages: \(known))", file: document.file, line: document.line(forPath: section))
        }
        var stages: [any PolicyStage] = []
        for name in document.stages {
            guard let factory = factories[name] else {
                throw ConfigurationError(
                    "unknown stage '\(name)' (stages: \(known))", file: document.file, line: document.line(forPath: "stages"))
            }
            let settings = JSONCursor(root: document.sections[name] ?? .object(JSONObject()))
            do {
                stages.append(try factory.makeStage(settings: settings, environment: environment))
            } catch let error as SluiceError {
                throw located(error.message, section: name, in: document)
            } catch let error as ConfigurationError {
                throw located(error.message, section: name, in: document)
            } catch {
                throw ConfigurationError("\(name): \(error)", file: document.file, line: document.line(forPath: name))
            }
        }
        return CompiledPolicy(name: document.name, file: document.file, stages: stages, telemetry: document.telemetry)
    }

    /// A stage's `path: reason` message, with the path made absolute and its line looked up.
    private func located(_ message: String, section: String, in document: PolicyDocument) -> ConfigurationError {
        let parts = message.split(separator: ": ", maxSplits: 1)
        guard parts.count == 2, !parts[0].contains(" ") else {
            return ConfigurationError("\(section): \(message)", file: document.file, line: document.line(forPath: section))
        }
        let path = parts[0].hasPrefix("[") ? "\(section)\(parts[0])" : "\(section).\(parts[0])"
        return ConfigurationError("\(path): \(parts[1])", file: document.file, line: document.line(forPath: path))
    }
}

public import SluiceCore

/// Builds the `pii` stage from a policy's `pii` section.
///
/// ```yaml
/// pii:
///   detectors:
///     email: tokenize        # redact, mask, block, tokenize or off
///     phone: mask
///   custom:
///     - name: employee_id
///       pattern: '\bEMP-[0-9]{6}\b'
///       action: redact       # the default for a custom detector
/// ```
///
/// A built-in detector the section does not list keeps the action `policies/default.yaml` gives
/// it — `private_key`, `aws_access_key`, `provider_secret` and `jwt` tokenized, `payment_card` and
/// `us_ssn` redacted, the others off — so even `pii: {}` keeps keys and secrets from leaving.
/// Errors name the setting by its path (`detectors.email: expected one of …`).
public struct PIIStageFactory: PolicyStageFactory {
    public let name = "pii"

    public init() {}

    public func makeStage(settings: JSONCursor, environment: PolicyEnvironment) throws -> any PolicyStage {
        PIIStage(rules: try PIIRules(settings: settings))
    }
}

extension PIIRules {
    /// Reads a `pii` section (see ``PIIStageFactory``) and compiles it.
    init(settings: JSONCursor, limits: PCRE2Regex.Limits = PCRE2Regex.Limits()) throws(SluiceError) {
        var detectors = PIIDetector.builtIns
        var actions = detectors.map(\.defaultAction)
        if settings.value != .null {
            try settings.rejectUnknownFields(allowing: ["detectors", "custom"])
            if let section = try settings.optional("detectors") {
                for name in try section.object().keys {
                    let path = section.path(ofField: name)
                    guard let index = PIIDetector.builtInNames.firstIndex(of: name) else {
                        let names = PIIDetector.builtInNames.joined(separator: ", ")
                        throw .invalidRequest("\(path): unknown detector; expected one of \(names) (define others under custom)")
                    }
                    guard let cursor = try section.optional(name) else {
                        throw .invalidRequest("\(path): expected one of \(PIIAction.choices)")
                    }
                    actions[index] = try PIIAction(cursor)
                }
            }
            for entry in try settings.optional("custom")?.array() ?? [] {
                let detector = try Self.customDetector(entry, limits: limits, existing: detectors)
                detectors.append(detector)
                actions.append(try entry.optional("action").map { cursor throws(SluiceError) in try PIIAction(cursor) } ?? .redact)
            }
        }
        do {
            try self.init(detectors: detectors, actions: actions, limits: limits)
        } catch {
            // Custom patterns compiled on their own above; only the built-in combination is left.
            throw .internalFailure("pii: the built-in detectors failed to compile: \(error)")
        }
    }

    private static func customDetector(
        _ entry: JSONCursor, limits: PCRE2Regex.Limits, existing: [PIIDetector]
    ) throws(SluiceError) -> PIIDetector {
        try entry.rejectUnknownFields(allowing: ["name", "pattern", "action"])
        let nameCursor = try entry.required("name")
        let name = try nameCursor.string()
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first), name.count <= 40,
            name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" })
        else {
            throw .invalidRequest("\(nameCursor.path): expected a name of lower-case letters, digits and _, starting with a letter")
        }
        guard !existing.contains(where: { $0.name == name }) else {
            throw .invalidRequest("\(nameCursor.path): there is already a detector named \(name)")
        }
        let patternCursor = try entry.required("pattern")
        do {
            let regex = try PCRE2Regex(try patternCursor.string(), options: .unicodeProperties, limits: limits)
            return .custom(name: name, regex: regex)
        } catch let error as PCRE2Error {
            throw .invalidRequest("\(patternCursor.path): invalid pattern: \(error.message) at offset \(error.patternOffset ?? 0)")
        } catch let error as SluiceError {
            throw error
        } catch {
            throw .invalidRequest("\(patternCursor.path): invalid pattern")
        }
    }
}

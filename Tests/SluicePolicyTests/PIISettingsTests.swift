import SluiceCore
import Testing

@testable import SluicePolicy

@Suite struct PIISettingsTests {
    private func settingsError(_ settings: JSONValue) throws -> String {
        let error = try #require(throws: SluiceError.self) {
            _ = try PIIStageFactory().makeStage(settings: JSONCursor(root: settings), environment: PolicyEnvironment())
        }
        #expect(error.category == .invalidRequest)
        return error.message
    }

    @Test func factoryBuildsTheStageNamedPII() throws {
        let factory = PIIStageFactory()
        #expect(factory.name == "pii")
        #expect(try factory.makeStage(settings: JSONCursor(root: [:]), environment: PolicyEnvironment()).name == "pii")
        #expect(try factory.makeStage(settings: JSONCursor(root: nil), environment: PolicyEnvironment()).name == "pii")
    }

    @Test func anUnknownActionNamesTheDetectorPath() throws {
        #expect(
            try settingsError(["detectors": ["email": "erase"]]) == "detectors.email: expected one of redact, mask, block, tokenize, off")
        #expect(try settingsError(["detectors": ["email": 3]]) == "detectors.email: expected one of redact, mask, block, tokenize, off")
        #expect(try settingsError(["detectors": ["email": nil]]) == "detectors.email: expected one of redact, mask, block, tokenize, off")
    }

    @Test func yamlOffReadAsFalseMeansOff() throws {
        let rules = try PIIRules(settings: JSONCursor(root: ["detectors": ["jwt": false]]))
        #expect(rules.actions[PIIDetector.builtInNames.firstIndex(of: "jwt")!] == .off)
    }

    @Test func anUnknownDetectorIsNamed() throws {
        #expect(
            try settingsError(["detectors": ["emial": "redact"]]).hasPrefix(
                "detectors.emial: unknown detector; expected one of private_key, jwt,")
        )
    }

    @Test func anUnknownFieldIsNamed() throws {
        #expect(try settingsError(["detector": ["email": "redact"]]) == "detector: unknown field; expected detectors, custom")
        #expect(
            try settingsError(["custom": [["name": "x", "pattern": "x", "acton": "mask"]]])
                == "custom[0].acton: unknown field; expected name, pattern, action"
        )
    }

    @Test func wrongTypesNameTheirPath() throws {
        #expect(try settingsError(["detectors": ["email"]]) == "detectors: expected an object")
        #expect(try settingsError(["custom": ["x"]]) == "custom[0]: expected an object")
        #expect(try settingsError(["custom": [["pattern": "x"]]]) == "custom[0].name: field required")
        #expect(try settingsError(["custom": [["name": "x"]]]) == "custom[0].pattern: field required")
    }

    @Test func anInvalidPatternGivesPCRE2sMessageAndOffset() throws {
        let message = try settingsError(["custom": [["name": "ok", "pattern": "ok"], ["name": "broken", "pattern": "EMP-([0-9]{6}"]]])
        #expect(message == "custom[1].pattern: invalid pattern: missing closing parenthesis at offset 13")
    }

    @Test func customNamesMustBeNewAndWellFormed() throws {
        #expect(
            try settingsError(["custom": [["name": "email", "pattern": "x"]]]) == "custom[0].name: there is already a detector named email")
        #expect(
            try settingsError(["custom": [["name": "a", "pattern": "x"], ["name": "a", "pattern": "y"]]])
                == "custom[1].name: there is already a detector named a"
        )
        #expect(
            try settingsError(["custom": [["name": "Employee ID", "pattern": "x"]]]).hasPrefix(
                "custom[0].name: expected a name of lower-case letters"
            )
        )
    }

    @Test func aCustomActionIsChecked() throws {
        #expect(
            try settingsError(["custom": [["name": "x", "pattern": "x", "action": "hide"]]])
                == "custom[0].action: expected one of redact, mask, block, tokenize, off"
        )
    }

    @Test func theDefaultPolicyFileSectionIsAccepted() throws {
        let section: JSONValue = [
            "detectors": [
                "private_key": "tokenize", "aws_access_key": "tokenize", "provider_secret": "tokenize", "jwt": "tokenize",
                "payment_card": "redact", "us_ssn": "redact", "iban": false, "email": false, "phone": false, "ipv4": false, "ipv6": false,
            ],
            "custom": [],
        ]
        let rules = try PIIRules(settings: JSONCursor(root: section))
        let defaults = try PIIRules(settings: JSONCursor(root: [:]))
        #expect(rules.actions == defaults.actions)
    }
}

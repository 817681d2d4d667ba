import SluiceCore

extension JSONCursor {
    /// The path of the field `name` under this cursor, for errors about it.
    func path(ofField name: String) -> String {
        path.isEmpty ? name : "\(path).\(name)"
    }

    /// Refuses any field but `allowed`, naming the first other one: a misspelt setting would
    /// otherwise be ignored without a word.
    func rejectUnknownFields(allowing allowed: [String]) throws(SluiceError) {
        for key in try object().keys where !allowed.contains(key) {
            throw .invalidRequest("\(path(ofField: key)): unknown field; expected \(allowed.joined(separator: ", "))")
        }
    }

    /// Checks a stage section made of named settings: YAML's null (the section name alone) means
    /// the defaults; anything else must be a mapping of `names` only.
    ///
    /// - Returns: whether there are settings to read.
    func isSettingsSection(of names: [String]) throws(SluiceError) -> Bool {
        guard !value.isNull else { return false }
        guard let object = value.objectValue else {
            // At the root, the message carries no path: the policy loader names the section.
            throw .invalidRequest(path.isEmpty ? "expected a mapping" : "\(path): expected a mapping")
        }
        for key in object.keys where !names.contains(key) {
            throw .invalidRequest("\(path(ofField: key)): unknown setting (expected one of: \(names.joined(separator: ", ")))")
        }
        return true
    }
}

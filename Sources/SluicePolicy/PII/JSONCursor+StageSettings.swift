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
}

internal import HTTPTypes
internal import SluiceCore

extension HTTPFields {
    /// Appends the fields of `fields` whose names are not present yet: what Sluice set itself stands.
    mutating func appendAbsent(_ fields: [HeaderField]) {
        for field in fields {
            guard let name = HTTPField.Name(field.name), self[name] == nil else { continue }
            append(HTTPField(name: name, value: field.value))
        }
    }
}

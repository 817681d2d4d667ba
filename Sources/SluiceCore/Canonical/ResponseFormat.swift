/// The shape a model's answer must take.
public enum ResponseFormat: Sendable, Hashable {
    /// Free text: the default, stated explicitly.
    case text
    /// Any JSON object.
    case jsonObject
    /// JSON matching `schema`. With `strict` the embedded engine constrains generation with a
    /// grammar from the schema; upstreams get the schema passed on.
    case jsonSchema(name: String, schema: JSONValue, strict: Bool)
}

/// The shape a model's answer must take.
public enum ResponseFormat: Sendable, Hashable {
    /// Free text: the default, stated explicitly.
    case text
    /// Any JSON object.
    case jsonObject
    /// JSON matching `schema`; upstreams get the schema passed on. The embedded engine constrains
    /// generation with a grammar from the schema: with `strict` a keyword the grammar cannot
    /// express is refused, without it the keyword is dropped.
    case jsonSchema(name: String, schema: JSONValue, strict: Bool)
}

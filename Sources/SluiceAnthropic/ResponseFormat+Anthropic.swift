public import SluiceCore

extension ResponseFormat {
    /// The name backends that need one (OpenAI's `json_schema.name`) get for an Anthropic format,
    /// which has none.
    static let anthropicSchemaName = "output"

    /// Reads Anthropic's `output_config.format` (`{"type":"json_schema","schema":{…}}`, always
    /// enforced by Anthropic, hence strict); `nil` for a type Sluice does not know, which still
    /// reaches Anthropic untouched with the rest of `output_config`.
    init?(anthropic cursor: JSONCursor) throws(SluiceError) {
        guard try cursor.required("type").string() == "json_schema" else { return nil }
        self = .jsonSchema(name: Self.anthropicSchemaName, schema: .object(try cursor.required("schema").object()), strict: true)
    }

    /// The format as Anthropic's `output_config.format` takes it; `nil` where Anthropic has no
    /// equivalent (free text is the default, and it has no schema-less JSON mode).
    var anthropicJSON: JSONValue? {
        guard case .jsonSchema(_, let schema, _) = self else { return nil }
        return ["type": "json_schema", "schema": schema]
    }
}

public import SluiceCore

extension ResponseFormat {
    /// Decodes Chat Completions' `response_format`: `{"type":"text"}`, `{"type":"json_object"}` or
    /// `{"type":"json_schema","json_schema":{"name","schema","strict"}}`.
    ///
    /// - Throws: a 400 naming the field at fault (`response_format.json_schema.name: field required`).
    public init(openAI cursor: JSONCursor) throws(SluiceError) {
        let type = try cursor.required("type")
        switch try type.string() {
        case "text":
            self = .text
        case "json_object":
            self = .jsonObject
        case "json_schema":
            let format = try cursor.required("json_schema")
            let name = try format.required("name")
            guard try !name.string().isEmpty else { throw .invalidField(name.path, "must not be empty") }
            // OpenAI takes a missing schema as "any JSON"; the empty schema says the same.
            let schema = try format.optional("schema")?.object() ?? JSONObject()
            self = .jsonSchema(name: try name.string(), schema: .object(schema), strict: try format.optional("strict")?.bool() ?? false)
        default:
            throw type.mismatch(#""text", "json_object" or "json_schema""#)
        }
    }

    /// The format as OpenAI's Chat Completions API takes it.
    public var openAIJSON: JSONValue {
        switch self {
        case .text: ["type": "text"]
        case .jsonObject: ["type": "json_object"]
        case .jsonSchema(let name, let schema, let strict):
            ["type": "json_schema", "json_schema": ["name": .string(name), "schema": schema, "strict": .bool(strict)]]
        }
    }
}

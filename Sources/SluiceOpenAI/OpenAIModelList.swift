public import SluiceCore

/// The body of `GET /v1/models`, which OpenAI clients call to list or validate model names.
public enum OpenAIModelList {
    /// `{"object":"list","data":[{"id","object":"model","created","owned_by":"sluice"}]}`
    ///
    /// - Parameters:
    ///   - models: the names clients may send, in the order to list them.
    ///   - created: Unix seconds to report as each model's creation time (the server's start is fine).
    public static func encode(models: [String], created: Int) -> JSONValue {
        let data: [JSONValue] = models.map { model in
            ["id": .string(model), "object": "model", "created": .integer(created), "owned_by": "sluice"]
        }
        return ["object": "list", "data": .array(data)]
    }
}

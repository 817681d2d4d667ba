public import SluiceCore

/// The body of `GET /v1/models` in Anthropic's shape.
public enum AnthropicModelList {
    /// Sluice knows model names, not release dates, so every entry carries the same fixed
    /// `created_at`, and the display name is the id.
    public static let createdAt = "2025-01-01T00:00:00Z"

    public static func encode(models: [String]) -> JSONValue {
        let data: [JSONValue] = models.map { model in
            ["type": "model", "id": .string(model), "display_name": .string(model), "created_at": .string(createdAt)]
        }
        return [
            "data": .array(data),
            "has_more": false,
            "first_id": models.first.map(JSONValue.string) ?? .null,
            "last_id": models.last.map(JSONValue.string) ?? .null,
        ]
    }
}

public import SluiceCore

/// The body of `GET /v1/models` in Anthropic's shape.
public enum AnthropicModelList {
    /// Sluice knows model names, not release dates, so every entry carries the same fixed `created_at`.
    public static let createdAt = "2025-01-01T00:00:00Z"

    public static func encode(models: [ModelListing]) -> JSONValue {
        let data: [JSONValue] = models.map { model in
            ["type": "model", "id": .string(model.id), "display_name": .string(model.displayName), "created_at": .string(createdAt)]
        }
        return [
            "data": .array(data),
            "has_more": false,
            "first_id": models.first.map { .string($0.id) } ?? .null,
            "last_id": models.last.map { .string($0.id) } ?? .null,
        ]
    }
}

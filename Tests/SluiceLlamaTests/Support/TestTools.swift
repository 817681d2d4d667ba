import SluiceCore

/// The tools the engine's tests offer: schemas with bounds, so a generated call can be checked.
enum TestTools {
    static let weather = ToolDefinition(
        name: "get_weather", description: "The weather in a city",
        inputSchema: [
            "type": "object",
            "properties": ["city": ["type": "string", "maxLength": 10], "days": ["type": "integer", "minimum": 1, "maximum": 9]],
            "required": ["city", "days"],
        ])
    static let time = ToolDefinition(
        name: "get_time", description: "The time in a zone",
        inputSchema: ["type": "object", "properties": ["zone": ["enum": ["UTC", "CET"]]], "required": ["zone"]])
}

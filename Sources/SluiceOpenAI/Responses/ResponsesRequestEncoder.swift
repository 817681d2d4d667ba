public import SluiceCore

/// Encodes a canonical ``ChatRequest`` as a Responses API request for an OpenAI Responses upstream
/// (`type: openai_responses`): OpenAI itself, or a server that speaks the Responses API.
///
/// The conversation goes out whole, with `store: false`: Sluice keeps stored responses itself
/// and resolves `previous_response_id` before the request gets here, so the upstream keeps
/// nothing. Reasoning goes back as reasoning items, with the thinking's signature as
/// `encrypted_content` (which the upstream is asked to include in its answer for that reason).
/// What the canonical model does not interpret passes through: built-in tools, the items of their
/// calls in the history (``ContentBlock/responsesOnly(_:)``), and the request fields only a
/// Responses upstream reads (``ChatRequest/openAIResponsesExtraFields``).
public enum ResponsesRequestEncoder {
    public static func encode(_ request: ChatRequest) -> JSONValue {
        var request = request
        request.removeBillingHeader()
        var body = request.openAIResponsesExtraFields
        body["model"] = .string(request.model)
        let instructions = request.system.map(\.text).joined(separator: "\n")
        body["instructions"] = instructions.isEmpty ? nil : .string(instructions)
        body["input"] = .array(request.messages.flatMap(items))
        if !request.tools.isEmpty || !request.openAIBuiltInTools.isEmpty {
            body["tools"] = .array(request.tools.map(tool) + request.openAIBuiltInTools)
            if let choice = request.toolChoice { body["tool_choice"] = toolChoice(choice) }
            if let parallel = request.parallelToolCalls { body["parallel_tool_calls"] = .bool(parallel) }
        }
        if let maxTokens = request.maxTokens { body["max_output_tokens"] = .integer(maxTokens) }
        if let temperature = request.temperature { body["temperature"] = .double(temperature) }
        if let topP = request.topP { body["top_p"] = .double(topP) }
        if let user = request.user { body["user"] = .string(user) }
        if let effort = OpenAIRequestEncoder.reasoningEffort(request) {
            var reasoning = body["reasoning"]?.objectValue ?? JSONObject()
            reasoning["effort"] = .string(effort)
            body["reasoning"] = .object(reasoning)
        }
        if let format = request.responseFormat {
            var text = body["text"]?.objectValue ?? JSONObject()
            text["format"] = self.format(format)
            body["text"] = .object(text)
        }
        var include = body["include"]?.arrayValue ?? []
        if !include.contains("reasoning.encrypted_content") { include.append("reasoning.encrypted_content") }
        body["include"] = .array(include)
        body["store"] = false
        body["stream"] = true
        return .object(body)
    }

    private static func items(_ message: Message) -> [JSONValue] {
        var items: [JSONValue] = []
        var parts: [JSONValue] = []
        let role = message.role.rawValue
        let textType: JSONValue = message.role == .assistant ? "output_text" : "input_text"
        func flushParts() {
            guard !parts.isEmpty else { return }
            items.append(["type": "message", "role": .string(role), "content": .array(parts)])
            parts = []
        }
        for block in message.content {
            switch block {
            case .text(let text):
                var part: JSONObject = ["type": textType, "text": .string(text.text)]
                let annotations = text.citations(in: .openAIResponses)
                if message.role == .assistant, !annotations.isEmpty { part["annotations"] = .array(annotations) }
                parts.append(.object(part))
            case .image(let image):
                parts.append(["type": "input_image", "image_url": .string(OpenAIRequestEncoder.imageURL(image.source))])
            case .anthropicOnly(let block):
                if let note = block.textForOtherBackends { parts.append(["type": textType, "text": .string(note)]) }
            case .thinking(let thinking):
                flushParts()
                var item: JSONObject = [
                    "type": "reasoning", "id": .string("rs_sluice_\(items.count)"),
                    "summary": thinking.text.isEmpty ? [] : [["type": "summary_text", "text": .string(thinking.text)]],
                ]
                if let signature = thinking.signature { item["encrypted_content"] = .string(signature) }
                items.append(.object(item))
            case .toolUse(let call):
                flushParts()
                items.append([
                    "type": "function_call", "call_id": .string(call.id), "name": .string(call.name),
                    "arguments": .string(call.input.serializedString()),
                ])
            case .toolResult(let result):
                flushParts()
                let output = result.isError ? "Error: \(result.text)" : result.text
                items.append(["type": "function_call_output", "call_id": .string(result.toolUseID), "output": .string(output)])
            case .responsesOnly(let block):
                flushParts()
                items.append(.object(block.item))
            case .redactedThinking:
                continue  // Anthropic's encrypted reasoning: nothing else can read it
            }
        }
        flushParts()
        return items
    }

    private static func tool(_ tool: ToolDefinition) -> JSONValue {
        var object: JSONObject = ["type": "function", "name": .string(tool.name)]
        if let description = tool.description { object["description"] = .string(description) }
        object["parameters"] = tool.inputSchema
        return .object(object)
    }

    private static func toolChoice(_ choice: ToolChoice) -> JSONValue {
        switch choice {
        case .auto: "auto"
        case .any: "required"
        case .none: "none"
        case .tool(let name): ["type": "function", "name": .string(name)]
        }
    }

    static func format(_ format: ResponseFormat) -> JSONValue {
        switch format {
        case .text: ["type": "text"]
        case .jsonObject: ["type": "json_object"]
        case .jsonSchema(let name, let schema, let strict):
            ["type": "json_schema", "name": .string(name), "schema": schema, "strict": .bool(strict)]
        }
    }
}

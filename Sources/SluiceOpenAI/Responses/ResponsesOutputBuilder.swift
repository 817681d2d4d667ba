public import SluiceCore

/// Builds a Responses API `response` object from a canonical event stream, together with the
/// stream events (`response.output_item.added`, `response.output_text.delta`, …) that tell a
/// streaming client each step.
///
/// Both the streaming and the plain answer run through it, and stored responses are built by it
/// too, so all three agree to the item ids: an item's id derives from the response id and its
/// output index (`msg_<response>_0`, `fc_<response>_1`), never from a random draw. Consecutive text
/// blocks share one `message` item as its content parts; thinking becomes a `reasoning` item (its
/// text as a summary when the client asked for one, else as reasoning text); tool calls become
/// `function_call` items; a thinking block's signature goes out as the reasoning item's
/// `encrypted_content` when the client asked for it. A Responses-only block (a built-in tool's call
/// from a Responses upstream) goes out as the upstream's item, its own id kept, with its events
/// passed on at its output index. Redacted thinking and Anthropic's server-tool blocks have no
/// Responses form and are left out.
public struct ResponsesOutputBuilder: Sendable {
    /// One stream event, before framing: its `type` and its fields.
    public typealias Event = (type: String, fields: JSONObject)

    private enum OpenItem: Sendable {
        /// A message whose finished parts are `parts`; `text` is the open part's text, if one is open.
        case message(id: String, parts: [JSONValue], text: String?)
        case reasoning(id: String, text: String, signature: String?)
        case functionCall(id: String, callID: String, name: String, arguments: String)
        /// An upstream's item, passed on as it is; `item` is its latest state.
        case responsesOnly(item: JSONObject)
        /// A block with no Responses form, whose events are skipped until it stops.
        case skipped
    }

    public let envelope: ResponsesEnvelope
    /// The finished output items, in order; an open item's output index is `output.count`.
    private var output: [JSONValue] = []
    private var open: OpenItem?
    /// A message item left open between text blocks (a skipped block may sit between them).
    private var openMessage: OpenItem?
    /// The open text part's annotations (a Responses upstream's citations; others have no form here).
    private var annotations: [JSONValue] = []
    private var model: String
    private var usage = Usage()
    private var stopReason: StopReason?

    public init(envelope: ResponsesEnvelope) {
        self.envelope = envelope
        self.model = envelope.requestedModel
    }

    /// The events `event` makes, in order.
    public mutating func consume(_ event: StreamEvent) -> [Event] {
        var events: [Event] = []
        switch event {
        case .messageStart(_, let model, let usage):
            if !model.isEmpty { self.model = model }
            self.usage = usage
            let response = self.response(status: "in_progress")
            events.append(("response.created", ["response": response]))
            events.append(("response.in_progress", ["response": response]))
        case .blockStart(let start):
            events += startBlock(start)
        case .blockDelta(let delta):
            events += add(delta)
        case .blockStop:
            events += stopBlock()
        case .messageEnd(let stopReason, _, let usage):
            events += closeMessage()
            self.stopReason = stopReason
            self.usage = usage
            let status = self.status
            events.append(("response.\(status)", ["response": response(status: status)]))
        }
        return events
    }

    /// `completed`, or `incomplete` when generation hit the output limit or a content filter.
    public var status: String {
        switch stopReason {
        case .maxTokens?, .refusal?: "incomplete"
        default: "completed"
        }
    }

    /// The `response` object as it stands, with the output items finished so far.
    public func response(status: String, error: JSONValue = .null) -> JSONValue {
        var object = JSONObject([
            ("id", .string(envelope.id)), ("object", "response"), ("created_at", .integer(envelope.createdAt)),
            ("status", .string(status)), ("error", error),
        ])
        object["incomplete_details"] =
            switch (status, stopReason) {
            case ("incomplete", .refusal?): ["reason": "content_filter"]
            case ("incomplete", _): ["reason": "max_output_tokens"]
            default: .null
            }
        object["model"] = .string(model)
        for (key, value) in envelope.requestFields { object[key] = value }
        object["output"] = .array(output)
        object["usage"] = status == "in_progress" ? .null : usageJSON
        let texts = output.flatMap { item -> [String] in
            guard item["type"] == "message" else { return [] }
            return item["content"]?.arrayValue?.compactMap { $0["text"]?.stringValue } ?? []
        }
        object["output_text"] = .string(texts.joined())
        return .object(object)
    }

    /// The output items finished so far.
    public var outputItems: [JSONValue] { output }

    private var usageJSON: JSONValue {
        [
            "input_tokens": .integer(usage.totalInputTokens),
            "input_tokens_details": [
                "cached_tokens": .integer(usage.cacheReadInputTokens),
                "cache_write_tokens": .integer(usage.cacheCreationInputTokens),
            ],
            "output_tokens": .integer(usage.outputTokens),
            "output_tokens_details": ["reasoning_tokens": 0],
            "total_tokens": .integer(usage.totalInputTokens + usage.outputTokens),
        ]
    }

    private var outputIndex: JSONValue { .integer(output.count) }

    private func itemID(_ prefix: String) -> String {
        "\(prefix)_\(envelope.id.dropFirst("resp_".count))_\(output.count)"
    }

    // MARK: - Blocks

    private mutating func startBlock(_ start: BlockStart) -> [Event] {
        switch start {
        case .text:
            var events: [Event] = []
            if openMessage == nil {
                let id = itemID("msg")
                openMessage = .message(id: id, parts: [], text: nil)
                events.append(("response.output_item.added", ["output_index": outputIndex, "item": messageItem(status: "in_progress")]))
            }
            guard case .message(let id, let parts, _) = openMessage else { return events }
            openMessage = .message(id: id, parts: parts, text: "")
            open = openMessage
            annotations = []
            events.append(
                (
                    "response.content_part.added",
                    [
                        "item_id": .string(id), "output_index": outputIndex, "content_index": .integer(parts.count),
                        "part": Self.textPart(""),
                    ]
                ))
            return events
        case .thinking:
            var events = closeMessage()
            let id = itemID("rs")
            open = .reasoning(id: id, text: "", signature: nil)
            events.append(
                ("response.output_item.added", ["output_index": outputIndex, "item": reasoningItem(id: id, text: nil, signature: nil)]))
            if envelope.reasoningSummary {
                events.append(
                    (
                        "response.reasoning_summary_part.added",
                        [
                            "item_id": .string(id), "output_index": outputIndex, "summary_index": 0,
                            "part": ["type": "summary_text", "text": ""],
                        ]
                    ))
            }
            return events
        case .toolUse(let callID, let name):
            var events = closeMessage()
            let id = itemID("fc")
            open = .functionCall(id: id, callID: callID, name: name, arguments: "")
            let item = Self.functionCallItem(id: id, callID: callID, name: name, arguments: "", status: "in_progress")
            events.append(("response.output_item.added", ["output_index": outputIndex, "item": item]))
            return events
        case .responsesOnly(let item):
            var events = closeMessage()
            open = .responsesOnly(item: item)
            events.append(("response.output_item.added", ["output_index": outputIndex, "item": .object(item)]))
            return events
        case .redactedThinking, .anthropicOnly:
            open = .skipped
            return []
        }
    }

    private mutating func add(_ delta: BlockDelta) -> [Event] {
        switch (open, delta) {
        case (.message(let id, let parts, let text?)?, .text(let more)):
            guard !more.isEmpty else { return [] }
            open = .message(id: id, parts: parts, text: text + more)
            openMessage = open
            return [
                (
                    "response.output_text.delta",
                    [
                        "item_id": .string(id), "output_index": outputIndex, "content_index": .integer(parts.count),
                        "delta": .string(more), "logprobs": [],
                    ]
                )
            ]
        case (.message(let id, let parts, _?)?, .citation(let citation)) where CitationProtocol(of: citation) == .openAIResponses:
            annotations.append(citation)
            return [
                (
                    "response.output_text.annotation.added",
                    [
                        "item_id": .string(id), "output_index": outputIndex, "content_index": .integer(parts.count),
                        "annotation_index": .integer(annotations.count - 1), "annotation": citation,
                    ]
                )
            ]
        case (.reasoning(let id, let text, _)?, .signature(let signature)):
            open = .reasoning(id: id, text: text, signature: signature)
            return []
        case (.reasoning(let id, let text, let signature)?, .thinking(let more)):
            guard !more.isEmpty else { return [] }
            open = .reasoning(id: id, text: text + more, signature: signature)
            if envelope.reasoningSummary {
                return [
                    (
                        "response.reasoning_summary_text.delta",
                        ["item_id": .string(id), "output_index": outputIndex, "summary_index": 0, "delta": .string(more)]
                    )
                ]
            }
            return [
                (
                    "response.reasoning_text.delta",
                    ["item_id": .string(id), "output_index": outputIndex, "content_index": 0, "delta": .string(more)]
                )
            ]
        case (.functionCall(let id, let callID, let name, let arguments)?, .toolInput(let more)):
            guard !more.isEmpty else { return [] }
            open = .functionCall(id: id, callID: callID, name: name, arguments: arguments + more)
            return [
                ("response.function_call_arguments.delta", ["item_id": .string(id), "output_index": outputIndex, "delta": .string(more)])
            ]
        case (.responsesOnly?, .responsesOnlyEvent(var fields)):
            guard let type = fields["type"]?.stringValue else { return [] }
            fields["type"] = nil
            // The upstream's index counts its own items; the client's output may differ.
            fields["output_index"] = outputIndex
            return [(type, fields)]
        case (.responsesOnly?, .responsesOnlyItem(let item)):
            open = .responsesOnly(item: item)
            return []
        default:
            // Signatures, Anthropic's citations and the deltas of skipped blocks have no Responses event.
            return []
        }
    }

    private mutating func stopBlock() -> [Event] {
        defer { open = nil }
        switch open {
        case .message(let id, let parts, let text?)?:
            let part = Self.textPart(text, annotations: annotations)
            let index = JSONValue.integer(parts.count)
            openMessage = .message(id: id, parts: parts + [part], text: nil)
            return [
                (
                    "response.output_text.done",
                    ["item_id": .string(id), "output_index": outputIndex, "content_index": index, "text": .string(text), "logprobs": []]
                ),
                (
                    "response.content_part.done",
                    ["item_id": .string(id), "output_index": outputIndex, "content_index": index, "part": part]
                ),
            ]
        case .reasoning(let id, let text, let signature)?:
            var events: [Event] = []
            if envelope.reasoningSummary {
                events.append(
                    (
                        "response.reasoning_summary_text.done",
                        ["item_id": .string(id), "output_index": outputIndex, "summary_index": 0, "text": .string(text)]
                    ))
                events.append(
                    (
                        "response.reasoning_summary_part.done",
                        [
                            "item_id": .string(id), "output_index": outputIndex, "summary_index": 0,
                            "part": ["type": "summary_text", "text": .string(text)],
                        ]
                    ))
            } else {
                events.append(
                    (
                        "response.reasoning_text.done",
                        ["item_id": .string(id), "output_index": outputIndex, "content_index": 0, "text": .string(text)]
                    ))
            }
            return events + finishItem(reasoningItem(id: id, text: text, signature: signature))
        case .functionCall(let id, let callID, let name, let arguments)?:
            // A call without arguments is an empty object, as OpenAI sends it.
            let arguments = arguments.isEmpty ? "{}" : arguments
            return [
                (
                    "response.function_call_arguments.done",
                    ["item_id": .string(id), "output_index": outputIndex, "name": .string(name), "arguments": .string(arguments)]
                )
            ] + finishItem(Self.functionCallItem(id: id, callID: callID, name: name, arguments: arguments, status: "completed"))
        case .responsesOnly(let item)?:
            return finishItem(.object(item))
        case .message(_, _, nil)?, .skipped?, nil:
            return []
        }
    }

    /// Closes the message item left open between text blocks, if any.
    private mutating func closeMessage() -> [Event] {
        guard openMessage != nil else { return [] }
        let item = messageItem(status: "completed")
        openMessage = nil
        return finishItem(item)
    }

    private mutating func finishItem(_ item: JSONValue) -> [Event] {
        let event: Event = ("response.output_item.done", ["output_index": outputIndex, "item": item])
        output.append(item)
        return [event]
    }

    // MARK: - Items

    private func messageItem(status: String) -> JSONValue {
        guard case .message(let id, let parts, _) = openMessage else { return .null }
        return [
            "id": .string(id), "type": "message", "status": .string(status), "role": "assistant",
            "content": .array(status == "completed" ? parts : []),
        ]
    }

    private func reasoningItem(id: String, text: String?, signature: String?) -> JSONValue {
        var item: JSONObject = ["id": .string(id), "type": "reasoning"]
        if envelope.includesEncryptedReasoning, let signature { item["encrypted_content"] = .string(signature) }
        if envelope.reasoningSummary {
            item["summary"] = .array(text.map { [["type": "summary_text", "text": .string($0)]] } ?? [])
        } else {
            item["summary"] = []
            item["content"] = .array(text.map { [["type": "reasoning_text", "text": .string($0)]] } ?? [])
        }
        item["status"] = text == nil ? "in_progress" : "completed"
        return .object(item)
    }

    static func functionCallItem(id: String, callID: String, name: String, arguments: String, status: String) -> JSONValue {
        [
            "id": .string(id), "type": "function_call", "status": .string(status), "arguments": .string(arguments),
            "call_id": .string(callID), "name": .string(name),
        ]
    }

    static func textPart(_ text: String, annotations: [JSONValue] = []) -> JSONValue {
        ["type": "output_text", "text": .string(text), "annotations": .array(annotations), "logprobs": []]
    }
}

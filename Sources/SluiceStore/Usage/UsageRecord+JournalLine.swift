internal import Foundation
internal import SluiceCore

extension UsageRecord {
    /// The record as one line of JSON, for the usage journal. Fields added since the first version
    /// are optional when read back, so a journal an older Sluice left behind still replays.
    public var journalLine: [UInt8] {
        let optional: (String?) -> JSONValue = { $0.map(JSONValue.string) ?? .null }
        let line: JSONValue = [
            "created_at": .number(String(createdAt.timeIntervalSince1970)), "key_id": optional(keyID),
            "key_name": optional(keyName), "model": optional(model), "backend": optional(backend),
            "endpoint": .string(endpoint), "stream": .bool(stream), "status": .number(String(status)),
            "input_tokens": .number(String(inputTokens)), "output_tokens": .number(String(outputTokens)),
            "cache_read_input_tokens": .number(String(cacheReadInputTokens)),
            "cache_creation_input_tokens": .number(String(cacheCreationInputTokens)), "cache_hit": .bool(cacheHit),
            "duration_ms": .number(String(durationMilliseconds)), "policies": .string(policies),
            "client_certificate": optional(clientCertificate), "session_id": optional(sessionID), "agent_id": optional(agentID),
            "parent_agent_id": optional(parentAgentID), "cost_usd": .number(String(costUSD)), "team": optional(team),
        ]
        return line.serialized() + [UInt8(ascii: "\n")]
    }

    /// A record read back from a journal line; `nil` for a line cut short by a crash.
    public init?(journalLine: some Collection<UInt8>) {
        guard let line = try? JSONParser.parse(journalLine),
            let createdAt = line["created_at"]?.doubleValue, let endpoint = line["endpoint"]?.stringValue,
            let stream = line["stream"]?.boolValue, let status = line["status"]?.intValue
        else { return nil }
        self.init(
            createdAt: Date(timeIntervalSince1970: createdAt), keyID: line["key_id"]?.stringValue,
            keyName: line["key_name"]?.stringValue, model: line["model"]?.stringValue, backend: line["backend"]?.stringValue,
            endpoint: endpoint, stream: stream, status: status, inputTokens: line["input_tokens"]?.intValue ?? 0,
            outputTokens: line["output_tokens"]?.intValue ?? 0,
            cacheReadInputTokens: line["cache_read_input_tokens"]?.intValue ?? 0,
            cacheCreationInputTokens: line["cache_creation_input_tokens"]?.intValue ?? 0,
            cacheHit: line["cache_hit"]?.boolValue ?? false, durationMilliseconds: line["duration_ms"]?.doubleValue ?? 0,
            policies: line["policies"]?.stringValue ?? "", clientCertificate: line["client_certificate"]?.stringValue,
            sessionID: line["session_id"]?.stringValue, agentID: line["agent_id"]?.stringValue,
            parentAgentID: line["parent_agent_id"]?.stringValue, costUSD: line["cost_usd"]?.doubleValue ?? 0,
            team: line["team"]?.stringValue)
    }
}

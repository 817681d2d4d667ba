internal import Foundation
internal import Hummingbird
internal import SluiceConfig
internal import SluiceCore
internal import SluiceStore
internal import SluiceLlama
internal import SluiceRemote

extension AdminAPI {
    /// The gateway now: each backend with its replicas' health or its engine's queue and
    /// throughput, the database, the response cache's hit rate, and the latest failed requests.
    func status() async -> Response {
        let activity = metrics.activity.snapshot
        let pools = Dictionary(replicaPools.map { ($0.backendName, $0) }, uniquingKeysWith: { first, _ in first })
        let backendsJSON: [JSONValue] = backends.map { backend in
            var object: JSONObject = ["name": .string(backend.name), "kind": .string(backend.kind.rawValue)]
            let replicas = pools[backend.name]?.replicaStates() ?? []
            object["replicas"] = .array(replicas.map(Self.replicaJSON))
            object["engine"] = engines[backend.name].map { Self.engineJSON($0()) } ?? .null
            let healthy = backend.kind == .llama || replicas.contains(where: \.available)
            object["status"] = .string(healthy ? "available" : "unavailable")
            return .object(object)
        }
        return Gateway.jsonResponse([
            "started_at": AdminJSON.timestamp(metrics.activity.startedAt),
            "database": .string(await store.isReachable() ? "reachable" : "unreachable"),
            "backends": .array(backendsJSON),
            "requests": .integer(activity.requests),
            "cache": [
                "hits": .integer(activity.cacheHits), "misses": .integer(activity.cacheMisses),
                "hit_rate": activity.cacheHitRate.map(JSONValue.double) ?? .null,
            ],
            "recent_errors": .array(activity.recentErrors.map(Self.errorJSON)),
        ])
    }

    static func replicaJSON(_ replica: ReplicaState) -> JSONValue {
        [
            "url": .string(replica.url), "available": .bool(replica.available), "outstanding": .integer(replica.outstanding),
            "consecutive_failures": .integer(replica.consecutiveFailures), "failing_health_check": .bool(replica.failingHealthCheck),
            "ejected_for_seconds": replica.ejectedFor.map { .double($0.timeInterval) } ?? .null,
        ]
    }

    static func engineJSON(_ statistics: LlamaStatistics) -> JSONValue {
        [
            "queue_depth": .integer(statistics.queueDepth), "busy_sequences": .integer(statistics.busySequences),
            "sequences": .integer(statistics.sequences), "requests_finished": .integer(statistics.requestsFinished),
            "generated_tokens": .integer(statistics.generatedTokens),
            "generation_tokens_per_second": .double(statistics.generationTokensPerSecond),
            "prompt_tokens_evaluated": .integer(statistics.promptTokensEvaluated),
            "prompt_tokens_reused": .integer(statistics.promptTokensReused),
        ]
    }

    static func errorJSON(_ error: GatewayActivity.RecentError) -> JSONValue {
        [
            "at": AdminJSON.timestamp(error.at), "method": .string(error.method), "path": .string(error.path),
            "status": .integer(error.status), "error": .string(error.category), "key": error.keyName.map(JSONValue.string) ?? .null,
            "request_id": .string(error.requestID),
        ]
    }
}

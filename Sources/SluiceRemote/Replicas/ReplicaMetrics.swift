internal import CoreMetrics

/// One replica's metrics, labelled by backend and replica URL: requests outstanding, failures,
/// ejections, and prompt tokens with the part the upstream served from its prefix cache (their
/// ratio shows whether session affinity keeps the caches warm).
struct ReplicaMetrics: Sendable {
    let outstanding: Gauge
    let failures: Counter
    let ejections: Counter
    let promptTokens: Counter
    let cachedPromptTokens: Counter

    init(backend: String, replica: String, factory: any MetricsFactory) {
        let dimensions = [("backend", backend), ("replica", replica)]
        outstanding = Gauge(label: "sluice_replica_outstanding_requests", dimensions: dimensions, factory: factory)
        failures = Counter(label: "sluice_replica_failures_total", dimensions: dimensions, factory: factory)
        ejections = Counter(label: "sluice_replica_ejections_total", dimensions: dimensions, factory: factory)
        promptTokens = Counter(label: "sluice_replica_prompt_tokens_total", dimensions: dimensions, factory: factory)
        cachedPromptTokens = Counter(label: "sluice_replica_cached_prompt_tokens_total", dimensions: dimensions, factory: factory)
    }
}

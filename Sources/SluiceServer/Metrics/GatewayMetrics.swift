internal import CoreMetrics
internal import Prometheus
internal import SluiceCore
internal import SluicePolicy

/// Sluice's Prometheus metrics, served on `/metrics`. Labels carry a key's name, never the key.
final class GatewayMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// The cache's hit rate and the recent errors, which the admin API's status reads back.
    let activity = GatewayActivity()

    /// For components that report through swift-metrics (the embedded engine): into this registry.
    var metricsFactory: any MetricsFactory { PrometheusMetricsFactory(registry: registry) }

    private static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
        .seconds(60), .seconds(120), .seconds(300),
    ]

    // `nonisolated(unsafe)`: MetricNameDescriptor is a struct of `let` strings that does not
    // declare Sendable; these constants are never mutated.
    nonisolated(unsafe) private static let requests = MetricNameDescriptor(
        namespace: "sluice", metricName: "requests", unitName: "total", helpText: "Requests by route, status and key name.")
    nonisolated(unsafe) private static let requestDuration = MetricNameDescriptor(
        namespace: "sluice", metricName: "request_duration", unitName: "seconds",
        helpText: "Time from a request's arrival to its response's last byte.")
    nonisolated(unsafe) private static let backendFailures = MetricNameDescriptor(
        namespace: "sluice", metricName: "backend_failures", unitName: "total",
        helpText: "Backend attempts that failed, by backend and error category.")
    nonisolated(unsafe) private static let policyActions = MetricNameDescriptor(
        namespace: "sluice", metricName: "policy_actions", unitName: "total",
        helpText: "What policy stages did: entities found by type, refusals, cache hits and misses.")

    nonisolated(unsafe) private static let budgetSpent = MetricNameDescriptor(
        namespace: "sluice", metricName: "budget_spent", unitName: "usd",
        helpText: "What each key or team with a budget has spent in its current period, as this replica last saw it.")
    nonisolated(unsafe) private static let budgetLimit = MetricNameDescriptor(
        namespace: "sluice", metricName: "budget_limit", unitName: "usd", helpText: "The budget of each key or team that has one.")

    /// Shows one budget's spending against its limit.
    func recordBudget(_ status: BudgetStatus) {
        let labels: [(String, String)]
        switch status.budget.owner {
        case .key(_, let name): labels = [("scope", "key"), ("name", name), ("period", status.budget.period.rawValue)]
        case .team(let name): labels = [("scope", "team"), ("name", name), ("period", status.budget.period.rawValue)]
        }
        registry.makeGauge(descriptor: Self.budgetSpent, labels: labels).set(status.spent.dollars)
        registry.makeGauge(descriptor: Self.budgetLimit, labels: labels).set(status.budget.limit.dollars)
    }

    // The GenAI semantic conventions' histograms and their advised buckets.
    nonisolated(unsafe) private static let tokenUsage = MetricNameDescriptor(
        namespace: "gen_ai", metricName: "client_token_usage", unitName: "",
        helpText: "Tokens per answered request (gen_ai.client.token.usage), by operation, provider and token type.")
    nonisolated(unsafe) private static let timeToFirstToken = MetricNameDescriptor(
        namespace: "gen_ai", metricName: "server_time_to_first_token", unitName: "seconds",
        helpText: "Time from a request's start to its first generated content (gen_ai.server.time_to_first_token).")
    private static let tokenBuckets: [Double] = [
        1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262_144, 1_048_576, 4_194_304, 16_777_216, 67_108_864,
    ]
    private static let firstTokenBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(40), .milliseconds(60),
        .milliseconds(80), .milliseconds(100), .milliseconds(250), .milliseconds(500), .milliseconds(750), .seconds(1),
        .seconds(2.5), .seconds(5), .seconds(7.5), .seconds(10),
    ]

    /// Records an answered request's input and output tokens (labels bounded: no model names,
    /// which clients choose).
    func recordTokenUsage(operation: String, provider: String, usage: Usage) {
        let counts =
            operation == "embeddings"
            ? [("input", usage.totalInputTokens)]
            : [
                ("input", usage.totalInputTokens), ("output", usage.outputTokens),
            ]
        for (type, count) in counts {
            registry.makeValueHistogram(
                descriptor: Self.tokenUsage,
                labels: [("gen_ai_operation_name", operation), ("gen_ai_provider_name", provider), ("gen_ai_token_type", type)],
                buckets: Self.tokenBuckets
            ).record(Double(count))
        }
    }

    func recordTimeToFirstToken(operation: String, provider: String, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: Self.timeToFirstToken, labels: [("gen_ai_operation_name", operation), ("gen_ai_provider_name", provider)],
            buckets: Self.firstTokenBuckets
        ).record(duration)
    }

    /// Counts one finished request and records how long it took, to its last byte.
    func recordRequest(route: String, status: Int, keyName: String?, duration: Duration) {
        registry.makeCounter(
            descriptor: Self.requests, labels: [("route", route), ("status", String(status)), ("key", keyName ?? "")]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.requestDuration, labels: [("route", route), ("status", String(status))],
            buckets: Self.durationBuckets
        ).record(duration)
    }

    /// Counts a request a backend failed to answer.
    func recordBackendFailure(backend: String, category: String) {
        registry.makeCounter(descriptor: Self.backendFailures, labels: [("backend", backend), ("category", category)]).increment()
    }

    /// Counts a policy action such as `pii:EMAIL=2` (stage pii, action EMAIL, twice) or `cache:hit`.
    func recordPolicyAction(_ action: String) {
        activity.recordPolicyAction(action)
        let parts = action.split(separator: ":", maxSplits: 1)
        guard parts.count == 2 else { return }
        let detail = parts[1].split(separator: "=", maxSplits: 1)
        let count = detail.count == 2 ? Int64(detail[1]) ?? 1 : 1
        registry.makeCounter(
            descriptor: Self.policyActions, labels: [("stage", String(parts[0])), ("action", String(detail[0]))]
        ).increment(by: count)
    }

    func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}

internal import ServiceLifecycle
internal import SluiceConfig
internal import SluiceCurl
internal import SluiceRemote

/// The active health checks of remote backends with several replicas: each replica is asked
/// `GET url+path` every interval, and one that does not answer 2xx in time gets no traffic until
/// it does (``ReplicaPool/recordHealthCheck(replica:passed:)``).
struct ReplicaHealthChecks: Service {
    struct Check: Sendable {
        let pool: ReplicaPool
        let settings: BackendConfiguration.HealthCheck
        /// Each replica's credential and headers, as its requests send them, by replica index.
        let headers: [CurlHeaders]
        let caFile: String?
    }

    let checks: [Check]
    let client: CurlClient

    /// Runs until shutdown; a service group takes a service that returns early for a failure, so
    /// the server adds this one only when some backend has checks.
    func run() async throws {
        // Shutdown cancels the loops below; that is how this service ends, not a failure.
        try? await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for check in checks {
                    group.addTask {
                        while true {
                            await probe(check)
                            try await Task.sleep(for: check.settings.interval)
                        }
                    }
                }
                try await group.next()
            }
        }
    }

    /// Asks every replica of one backend at once.
    private func probe(_ check: Check) async {
        let timeout = min(check.settings.interval, .seconds(5))
        await withTaskGroup(of: Void.self) { group in
            for (index, url) in check.pool.urls.enumerated() {
                group.addTask {
                    let request = CurlRequest(
                        method: "GET", url: url + check.settings.path, headers: check.headers[index], body: nil, connectTimeout: timeout,
                        idleReadTimeout: timeout, caFile: check.caFile)
                    let passed: Bool
                    do {
                        let response = try await client.execute(request)
                        _ = try? await response.body.collect(upTo: 64 * 1024)
                        passed = (200..<300).contains(response.status)
                    } catch {
                        passed = false
                    }
                    check.pool.recordHealthCheck(replica: index, passed: passed)
                }
            }
        }
    }
}

internal import Foundation
internal import SluiceCurl

/// Sends the same request `count` times from `concurrency` workers and keeps each latency: to the
/// whole body for plain requests, to the first body bytes for streams.
struct LoadRun {
    struct Result {
        let latencies: [Duration]
        let elapsed: Duration
        /// Each failure's reason (`status 503`, a curl error) and how often it happened.
        let failureReasons: [String: Int]

        var failures: Int { failureReasons.values.reduce(0, +) }

        var requestsPerSecond: Double { Double(latencies.count) / seconds(elapsed) }

        /// One row of a comparison table: label, concurrency, req/s, p50, p99, `cpu` per request, failures.
        func printRow(label: String, concurrency: Int, cpu: Duration) {
            print(
                label.padding(toLength: 24, withPad: " ", startingAt: 0),
                String(concurrency).padding(toLength: 5, withPad: " ", startingAt: 0),
                String(format: "%-10.0f", requestsPerSecond),
                milliseconds(percentile(0.5)).padding(toLength: 8, withPad: " ", startingAt: 0),
                milliseconds(percentile(0.99)).padding(toLength: 8, withPad: " ", startingAt: 0),
                String(format: "%.0f", seconds(cpu) * 1e6 / Double(max(1, latencies.count))).padding(
                    toLength: 11, withPad: " ", startingAt: 0),
                failures, failureReasons.isEmpty ? "" : "(\(failureSummary))")
        }

        var failureSummary: String {
            failureReasons.sorted { $0.value > $1.value }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        }

        func percentile(_ fraction: Double) -> Duration {
            let sorted = latencies.sorted()
            guard !sorted.isEmpty else { return .zero }
            return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
        }
    }

    let client: CurlClient
    /// Sent in turn, so load spreads over several servers (replicas) evenly.
    let requests: [CurlRequest]
    let streaming: Bool
    let concurrency: Int
    let count: Int

    init(client: CurlClient, request: CurlRequest, streaming: Bool, concurrency: Int, count: Int) {
        self.init(client: client, requests: [request], streaming: streaming, concurrency: concurrency, count: count)
    }

    init(client: CurlClient, requests: [CurlRequest], streaming: Bool, concurrency: Int, count: Int) {
        self.client = client
        self.requests = requests
        self.streaming = streaming
        self.concurrency = concurrency
        self.count = count
    }

    func run() async -> Result {
        let clock = ContinuousClock()
        let started = clock.now
        let perWorker = count / concurrency
        let results = await withTaskGroup(of: ([Duration], [String: Int]).self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var latencies: [Duration] = []
                    var failures: [String: Int] = [:]
                    for index in 0..<perWorker {
                        let request = requests[(worker + index) % requests.count]
                        switch await once(request, clock: clock) {
                        case .success(let latency): latencies.append(latency)
                        case .failure(let failure): failures[failure.reason, default: 0] += 1
                        }
                    }
                    return (latencies, failures)
                }
            }
            var all: ([Duration], [String: Int]) = ([], [:])
            for await (latencies, failures) in group {
                all.0 += latencies
                all.1.merge(failures, uniquingKeysWith: +)
            }
            return all
        }
        return Result(latencies: results.0, elapsed: clock.now - started, failureReasons: results.1)
    }

    private struct Failure: Error {
        let reason: String
    }

    private func once(_ request: CurlRequest, clock: ContinuousClock) async -> Swift.Result<Duration, Failure> {
        let start = clock.now
        do {
            let response = try await client.execute(request)
            guard response.status == 200 else { return .failure(Failure(reason: "status \(response.status)")) }
            var firstByte: Duration?
            for try await chunk in response.body where firstByte == nil && !chunk.isEmpty {
                firstByte = clock.now - start
            }
            guard let latency = streaming ? firstByte : clock.now - start else { return .failure(Failure(reason: "empty stream")) }
            return .success(latency)
        } catch {
            return .failure(Failure(reason: "\(error)"))
        }
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func milliseconds(_ duration: Duration) -> String {
    String(format: "%.3f", seconds(duration) * 1000)
}

import Dispatch
import SluiceCurl
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The client against a real HTTP/1.1 server on 127.0.0.1. Serialized: several tests measure time.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct CurlClientTests {
    @Test func postAndGetRoundTripMethodHeadersAndBody() async throws {
        let received = Shared<[TestRequest]>([])
        let payload = Array(#"{"model":"m","stream":true}"#.utf8)
        let server = try TestHTTPServer { connection in
            while let request = connection.readRequest() {
                received.withLock { $0.append(request) }
                var headers = [("Content-Length", "\(request.body.count)"), ("X-Method", request.method)]
                if let echo = request.header("X-Test") {
                    headers.append(("X-Echo", echo))
                }
                connection.writeHead(status: 201, reason: "Created", headers: headers)
                connection.write(request.body)
            }
        }
        defer { server.close() }
        try await CurlClient.withClient { client in
            let post = try await client.execute(
                CurlRequest(
                    method: "POST",
                    url: server.baseURL + "/v1/chat/completions",
                    headers: ["X-Test": "hello", "Content-Type": "application/json"],
                    body: payload
                )
            )
            #expect(post.status == 201)
            #expect(post.headers["x-method"] == "POST")
            #expect(post.headers["X-ECHO"] == "hello")
            #expect(try await post.body.collect(upTo: 1024) == payload)

            let get = try await client.execute(CurlRequest(url: server.baseURL + "/v1/models"))
            #expect(get.status == 201)
            #expect(get.headers["X-Method"] == "GET")
            #expect(get.headers["X-Echo"] == nil)
            #expect(try await get.body.collect(upTo: 1024).isEmpty)
        }
        let requests = received.value
        try #require(requests.count == 2)
        #expect(requests[0].method == "POST")
        #expect(requests[0].path == "/v1/chat/completions")
        #expect(requests[0].header("Content-Type") == "application/json")
        #expect(requests[0].header("Content-Length") == "\(payload.count)")
        #expect(requests[0].header("Expect") == nil)
        #expect(requests[0].body == payload)
        #expect(requests[1].method == "GET")
        #expect(requests[1].path == "/v1/models")
    }

    @Test(arguments: [("PUT", "replace"), ("DELETE", nil), ("PATCH", "")] as [(String, String?)])
    func otherMethodsAreSentWithTheirBody(method: String, body: String?) async throws {
        let received = Shared<TestRequest?>(nil)
        let server = try TestHTTPServer { connection in
            while let request = connection.readRequest() {
                received.value = request
                connection.writeHead(status: 204, reason: "No Content", headers: [])
            }
        }
        defer { server.close() }
        try await CurlClient.withClient { client in
            let response = try await client.execute(
                CurlRequest(method: method, url: server.baseURL + "/item", body: body.map { Array($0.utf8) })
            )
            #expect(response.status == 204)
            #expect(try await response.body.collect(upTo: 10).isEmpty)
        }
        let request = try #require(received.value)
        #expect(request.method == method)
        #expect(request.body == Array((body ?? "").utf8))
        #expect(request.header("Content-Length") == body.map { "\($0.utf8.count)" })
    }

    @Test func headResponseEndsAfterTheHead() async throws {
        let method = Shared<String?>(nil)
        let server = try TestHTTPServer { connection in
            while let request = connection.readRequest() {
                method.value = request.method
                // A HEAD response announces a body it does not send.
                connection.writeHead(headers: [("Content-Length", "1000")])
            }
        }
        defer { server.close() }
        try await CurlClient.withClient { client in
            let response = try await client.execute(
                CurlRequest(method: "HEAD", url: server.baseURL + "/", idleReadTimeout: .seconds(2))
            )
            #expect(response.headers["Content-Length"] == "1000")
            #expect(try await response.body.collect(upTo: 10).isEmpty)
        }
        #expect(method.value == "HEAD")
    }

    @Test func interimResponsesAreSkipped() async throws {
        let server = try TestHTTPServer { connection in
            guard connection.readRequest() != nil else { return }
            connection.write("HTTP/1.1 103 Early Hints\r\nX-Interim: yes\r\n\r\n")
            connection.writeHead(status: 404, reason: "Not Found", headers: [("Content-Length", "4"), ("X-Final", "yes")])
            connection.write("gone")
        }
        defer { server.close() }
        try await CurlClient.withClient { client in
            let response = try await client.execute(CurlRequest(url: server.baseURL + "/missing"))
            #expect(response.status == 404)
            #expect(response.headers["X-Final"] == "yes")
            #expect(response.headers["X-Interim"] == nil)
            #expect(try await response.body.collect(upTo: 100) == Array("gone".utf8))
        }
    }

    @Test func chunkedStreamArrivesChunkByChunk() async throws {
        let clientHasFirstChunk = DispatchSemaphore(value: 0)
        let serverWaitedForClient = Shared<Bool?>(nil)
        let server = try TestHTTPServer { connection in
            guard connection.readRequest() != nil else { return }
            connection.writeHead(headers: [("Transfer-Encoding", "chunked"), ("Content-Type", "text/event-stream")])
            connection.writeChunk("data: one\n\n")
            // The rest goes out only once the client has shown the first chunk (or after 2 s, failing the test).
            serverWaitedForClient.value = clientHasFirstChunk.wait(timeout: .now() + 2) == .success
            connection.writeChunk("data: two\n\n")
            usleep(50_000)
            connection.writeChunk("data: three\n\n")
            connection.writeChunk("")
        }
        defer { server.close() }
        try await CurlClient.withClient { client in
            let response = try await client.execute(CurlRequest(url: server.baseURL + "/stream"))
            var chunks: [String] = []
            for try await chunk in response.body {
                if chunks.isEmpty {
                    clientHasFirstChunk.signal()
                }
                chunks.append(String(decoding: chunk, as: UTF8.self))
            }
            #expect(chunks.first == "data: one\n\n")
            #expect(chunks.count >= 3)
            #expect(chunks.joined() == "data: one\n\ndata: two\n\ndata: three\n\n")
        }
        #expect(serverWaitedForClient.value == true)
    }

    @Test func refusedConnectionThrowsFromExecute() async throws {
        let port = try TestHTTPServer.unusedPort()
        try await CurlClient.withClient { client in
            await #expect(throws: CurlError.connectionFailed) {
                try await client.execute(CurlRequest(url: "http://127.0.0.1:\(port)/"))
            }
        }
    }

    @Test func silentServerFailsExecuteWithReadTimeout() async throws {
        let server = try TestHTTPServer { connection in
            _ = connection.readRequest()
            _ = connection.waitForClose(timeout: .seconds(5))
        }
        defer { server.close() }
        try await CurlClient.withClient { client in
            let start = ContinuousClock.now
            await #expect(throws: CurlError.readTimeout) {
                try await client.execute(
                    CurlRequest(url: server.baseURL + "/", idleReadTimeout: .milliseconds(300))
                )
            }
            let elapsed = ContinuousClock.now - start
            #expect(elapsed >= .milliseconds(300))
            #expect(elapsed < .milliseconds(900))
        }
    }

    @Test func stalledBodyFailsIteratorWithReadTimeout() async throws {
        let server = try TestHTTPServer { connection in
            guard connection.readRequest() != nil else { return }
            connection.writeHead(headers: [("Transfer-Encoding", "chunked")])
            connection.writeChunk("data: partial\n\n")
            _ = connection.waitForClose(timeout: .seconds(5))
        }
        defer { server.close() }
        try await CurlClient.withClient { client in
            let response = try await client.execute(
                CurlRequest(url: server.baseURL + "/", idleReadTimeout: .milliseconds(300))
            )
            var received: [UInt8] = []
            await #expect(throws: CurlError.readTimeout) {
                for try await chunk in response.body {
                    received += chunk
                }
            }
            #expect(received == Array("data: partial\n\n".utf8))
        }
    }

    @Test(arguments: [false, true])
    func serverClosingMidBodyFailsTheIterator(chunked: Bool) async throws {
        let server = try TestHTTPServer { connection in
            guard connection.readRequest() != nil else { return }
            if chunked {
                connection.writeHead(headers: [("Transfer-Encoding", "chunked")])
                connection.writeChunk(String(repeating: "a", count: 100))
            } else {
                connection.writeHead(headers: [("Content-Length", "1000")])
                connection.write(String(repeating: "a", count: 100))
            }
            // Returning closes the connection.
        }
        defer { server.close() }
        try await CurlClient.withClient { client in
            let response = try await client.execute(CurlRequest(url: server.baseURL + "/"))
            #expect(response.status == 200)
            var receivedCount = 0
            await #expect(throws: CurlError.remoteConnectionClosed) {
                for try await chunk in response.body {
                    receivedCount += chunk.count
                }
            }
            #expect(receivedCount == 100)
        }
    }

    enum Abandonment: String, CaseIterable, Sendable {
        case taskCancelled
        case iteratorDropped
        case bodyNeverRead
    }

    @Test(arguments: Abandonment.allCases)
    func abandonedStreamClosesUpstreamConnectionPromptly(_ abandonment: Abandonment) async throws {
        let closedAt = Shared<ContinuousClock.Instant?>(nil)
        let server = try TestHTTPServer { connection in
            guard connection.readRequest() != nil else { return }
            // Head and first chunk in one segment, so the client buffers the chunk before it can abandon
            // the stream, and no later write can make libcurl notice the abandonment by itself.
            connection.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nd\r\ndata: token\n\n\r\n")
            // A model server thinking before its next token: only the client closing the connection
            // (not a failed write) can end this wait early.
            if connection.waitForClose(timeout: .seconds(3)) {
                closedAt.value = .now
            }
        }
        defer { server.close() }
        try await CurlClient.withClient { client in
            let request = CurlRequest(url: server.baseURL + "/v1/chat/completions")
            let abandonedAt: ContinuousClock.Instant
            switch abandonment {
            case .taskCancelled:
                let sawChunk = Shared(false)
                let task = Task {
                    let response = try await client.execute(request)
                    for try await _ in response.body {
                        sawChunk.value = true
                    }
                }
                #expect(try await eventually(within: .seconds(2)) { sawChunk.value })
                abandonedAt = .now
                task.cancel()
                await #expect(throws: CurlError.cancelled) { try await task.value }
            case .iteratorDropped:
                let response = try await client.execute(request)
                for try await _ in response.body {
                    break
                }
                abandonedAt = .now
                // The body sequence itself stays alive; dropping its iterator is enough.
                #expect(try await eventually(within: .seconds(2)) { closedAt.value != nil })
                withExtendedLifetime(response) {}
            case .bodyNeverRead:
                do {
                    let response = try await client.execute(request)
                    #expect(response.status == 200)
                }
                abandonedAt = .now
            }
            #expect(try await eventually(within: .seconds(2)) { closedAt.value != nil })
            let closed = try #require(closedAt.value)
            #expect(closed - abandonedAt < .seconds(1))
        }
    }

    @Test func slowConsumerGetsLargeBodyIntactWithBoundedBuffer() async throws {
        let totalBytes = 20 * 1024 * 1024
        // A prime-length pattern, so a lost, repeated or reordered chunk changes the checksum.
        let pattern = Self.pseudoRandomBytes(count: 1_000_003)
        let serverChecksum = Shared<UInt64?>(nil)
        let configuration = CurlClient.Configuration(bufferHighWaterMark: 256 * 1024, bufferLowWaterMark: 64 * 1024)
        let server = try TestHTTPServer { connection in
            guard connection.readRequest() != nil else { return }
            connection.writeHead(headers: [("Content-Length", "\(totalBytes)")])
            var checksum = Checksum()
            var sent = 0
            while sent < totalBytes {
                let start = sent % pattern.count
                let count = min(64 * 1024, totalBytes - sent, pattern.count - start)
                let block = pattern[start..<(start + count)]
                checksum.update(block)
                guard connection.write(block) else { return }
                sent += count
            }
            serverChecksum.value = checksum.value
        }
        defer { server.close() }
        try await CurlClient.withClient(configuration: configuration) { client in
            let response = try await client.execute(CurlRequest(url: server.baseURL + "/large"))
            var checksum = Checksum()
            var receivedBytes = 0
            var chunkCount = 0
            for try await chunk in response.body {
                checksum.update(chunk[...])
                receivedBytes += chunk.count
                chunkCount += 1
                if chunkCount.isMultiple(of: 16) {
                    try await Task.sleep(for: .milliseconds(1))
                }
            }
            #expect(receivedBytes == totalBytes)
            #expect(try await eventually(within: .seconds(2)) { serverChecksum.value != nil })
            #expect(checksum.value == serverChecksum.value)
            // The consumer was slow enough for the buffer to fill and receiving to pause...
            #expect(response.body.pauseCount > 0)
            #expect(response.body.peakBufferedByteCount >= configuration.bufferHighWaterMark)
            // ...and it never held more than the high-water mark plus one libcurl chunk.
            #expect(response.body.peakBufferedByteCount <= configuration.bufferHighWaterMark + 16 * 1024)
        }
    }

    @Test func transferPausedByBackpressureDoesNotTimeOut() async throws {
        let totalBytes = 4 * 1024 * 1024
        let configuration = CurlClient.Configuration(bufferHighWaterMark: 64 * 1024, bufferLowWaterMark: 16 * 1024)
        let server = try TestHTTPServer { connection in
            guard connection.readRequest() != nil else { return }
            connection.writeHead(headers: [("Content-Length", "\(totalBytes)")])
            connection.write([UInt8](repeating: 7, count: totalBytes))
        }
        defer { server.close() }
        try await CurlClient.withClient(configuration: configuration) { client in
            let response = try await client.execute(
                CurlRequest(url: server.baseURL + "/", idleReadTimeout: .milliseconds(200))
            )
            var iterator = response.body.makeAsyncIterator()
            var receivedBytes = try await iterator.next()?.count ?? 0
            // Far longer than the idle timeout, with the buffer full: the client, not the server, is idle.
            try await Task.sleep(for: .milliseconds(600))
            #expect(response.body.pauseCount > 0)
            while let chunk = try await iterator.next() {
                receivedBytes += chunk.count
            }
            #expect(receivedBytes == totalBytes)
        }
    }

    @Test func unresponsiveListenerFailsWithConnectTimeout() async throws {
        // A listener that never accepts, with its one-slot backlog taken: the kernel drops further SYNs.
        let listener = try TestListener(backlog: 0)
        defer { listener.close() }
        try listener.fillBacklog()
        try await CurlClient.withClient { client in
            let start = ContinuousClock.now
            await #expect(throws: CurlError.connectTimeout) {
                try await client.execute(
                    CurlRequest(url: "http://127.0.0.1:\(listener.port)/", connectTimeout: .milliseconds(200))
                )
            }
            #expect(ContinuousClock.now - start < .seconds(1))
        }
    }

    @Test func sequentialRequestsReuseOneConnection() async throws {
        let server = try TestHTTPServer { connection in
            while let request = connection.readRequest() {
                let body = "reply to \(request.path)"
                connection.writeHead(headers: [("Content-Length", "\(body.utf8.count)")])
                connection.write(body)
            }
        }
        defer { server.close() }
        try await CurlClient.withClient { client in
            for index in 0..<3 {
                let response = try await client.execute(CurlRequest(url: server.baseURL + "/\(index)"))
                let body = try await response.body.collect(upTo: 1024)
                #expect(String(decoding: body, as: UTF8.self) == "reply to /\(index)")
            }
        }
        #expect(server.acceptedConnectionCount == 1)
    }

    @Test func thirtyTwoConcurrentRequestsAllComplete() async throws {
        let inFlight = Shared((current: 0, peak: 0))
        let server = try TestHTTPServer { connection in
            while let request = connection.readRequest() {
                inFlight.withLock {
                    $0.current += 1
                    $0.peak = max($0.peak, $0.current)
                }
                usleep(20_000)
                inFlight.withLock { $0.current -= 1 }
                let body = "reply to \(request.path)"
                connection.writeHead(headers: [("Content-Length", "\(body.utf8.count)")])
                connection.write(body)
            }
        }
        defer { server.close() }
        try await CurlClient.withClient { client in
            let replies = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for index in 0..<32 {
                    group.addTask {
                        let response = try await client.execute(CurlRequest(url: server.baseURL + "/item/\(index)"))
                        return (index, String(decoding: try await response.body.collect(upTo: 1024), as: UTF8.self))
                    }
                }
                var replies: [Int: String] = [:]
                for try await (index, reply) in group {
                    replies[index] = reply
                }
                return replies
            }
            #expect(replies.count == 32)
            for index in 0..<32 {
                #expect(replies[index] == "reply to /item/\(index)")
            }
        }
        #expect(inFlight.value.peak > 1)
    }

    @Test func shutdownFailsRunningStreamsAndLaterRequests() async throws {
        let sawClose = Shared(false)
        let server = try TestHTTPServer { connection in
            guard connection.readRequest() != nil else { return }
            connection.writeHead(headers: [("Transfer-Encoding", "chunked")])
            connection.writeChunk("first")
            sawClose.value = connection.waitForClose(timeout: .seconds(5))
        }
        defer { server.close() }
        let client = CurlClient()
        let response = try await client.execute(CurlRequest(url: server.baseURL + "/"))
        var iterator = response.body.makeAsyncIterator()
        #expect(try await iterator.next() == Array("first".utf8))
        await client.shutdown()
        do {
            _ = try await iterator.next()
            Issue.record("Reading after shutdown should throw")
        } catch {
            #expect(error as? CurlError == .shutdown)
        }
        await #expect(throws: CurlError.shutdown) {
            try await client.execute(CurlRequest(url: server.baseURL + "/"))
        }
        #expect(try await eventually(within: .seconds(2)) { sawClose.value })
    }

    @Test func droppingTheClientShutsItDown() async throws {
        let sawClose = Shared(false)
        let server = try TestHTTPServer { connection in
            guard connection.readRequest() != nil else { return }
            connection.writeHead(headers: [("Transfer-Encoding", "chunked")])
            connection.writeChunk("first")
            sawClose.value = connection.waitForClose(timeout: .seconds(5))
        }
        defer { server.close() }
        var client: CurlClient? = CurlClient()
        let response = try await client!.execute(CurlRequest(url: server.baseURL + "/"))
        var iterator = response.body.makeAsyncIterator()
        #expect(try await iterator.next() == Array("first".utf8))
        client = nil
        do {
            _ = try await iterator.next()
            Issue.record("Reading after the client went away should throw")
        } catch {
            #expect(error as? CurlError == .shutdown)
        }
        #expect(try await eventually(within: .seconds(2)) { sawClose.value })
    }

    @Test func headerWithLineBreakIsRejectedWithoutLeakingIt() async throws {
        let server = try TestHTTPServer { connection in
            _ = connection.readRequest()
        }
        defer { server.close() }
        try await CurlClient.withClient { client in
            let request = CurlRequest(
                url: server.baseURL + "/",
                headers: ["Authorization": "Bearer sk-secret\r\nX-Injected: 1"]
            )
            do {
                _ = try await client.execute(request)
                Issue.record("A header with a line break should be rejected")
            } catch {
                #expect(error as? CurlError == .invalidHeader)
                #expect(!"\(error)".contains("sk-secret"))
            }
        }
        #expect(server.acceptedConnectionCount == 0)
    }

    @Test(arguments: ["file:///etc/passwd", "ftp://127.0.0.1/", "not a url"])
    func nonHTTPURLIsRejected(url: String) async throws {
        try await CurlClient.withClient { client in
            await #expect(throws: CurlError.invalidURL) {
                try await client.execute(CurlRequest(url: url))
            }
        }
    }

    @Test func cancelledTaskFailsExecuteWithoutConnecting() async throws {
        let server = try TestHTTPServer { connection in
            _ = connection.readRequest()
        }
        defer { server.close() }
        try await CurlClient.withClient { client in
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await client.execute(CurlRequest(url: server.baseURL + "/"))
            }
            await #expect(throws: CurlError.cancelled) { try await task.value }
        }
        #expect(server.acceptedConnectionCount == 0)
    }

    /// Deterministic bytes from a xorshift generator.
    private static func pseudoRandomBytes(count: Int) -> [UInt8] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                buffer[index] = UInt8(truncatingIfNeeded: state)
            }
            initialized = count
        }
    }
}

/// FNV-1a over a byte stream: order-sensitive, and the same however the stream is split.
struct Checksum {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func update(_ bytes: ArraySlice<UInt8>) {
        var value = self.value
        bytes.withUnsafeBufferPointer { buffer in
            for byte in buffer {
                value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
        }
        self.value = value
    }
}

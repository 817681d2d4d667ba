import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A scriptable HTTP/1.1 server on 127.0.0.1 over plain POSIX sockets: every accepted connection
/// runs the handler on its own thread, which reads requests and writes whatever bytes the test wants,
/// including broken responses.
final class TestHTTPServer: Sendable {
    typealias Handler = @Sendable (TestConnection) -> Void

    private struct State {
        var acceptedConnections = 0
        var openConnections: Set<Int32> = []
        var isClosed = false
    }

    let port: Int
    private let listener: Int32
    private let handler: Handler
    private let state = Mutex(State())

    var baseURL: String { "http://127.0.0.1:\(self.port)" }

    /// How many TCP connections the server accepted so far.
    var acceptedConnectionCount: Int {
        self.state.withLock { $0.acceptedConnections }
    }

    /// Starts a server; `close()` it when done.
    init(handler: @escaping Handler) throws {
        let (listener, port) = try listeningSocket(backlog: 128)
        self.port = port
        self.listener = listener
        self.handler = handler
        Thread.start { [self] in self.acceptLoop() }
    }

    /// A port on 127.0.0.1 that nothing listens on (bound, then released).
    static func unusedPort() throws -> Int {
        let (descriptor, port) = try boundSocket()
        closeDescriptor(descriptor)
        return port
    }

    /// Stops accepting and shuts every open connection down, which unblocks the handlers.
    func close() {
        let connections = self.state.withLock { state in
            state.isClosed = true
            return state.openConnections
        }
        // Wakes the thread blocked in accept(2), which then closes the listener.
        shutdown(self.listener, CInt(SHUT_RDWR))
        for connection in connections {
            shutdown(connection, CInt(SHUT_RDWR))
        }
    }

    private func acceptLoop() {
        while true {
            let descriptor = accept(self.listener, nil, nil)
            if descriptor < 0 {
                if errno == EINTR { continue }
                break
            }
            let accepted = self.state.withLock { state in
                guard !state.isClosed else { return false }
                state.acceptedConnections += 1
                state.openConnections.insert(descriptor)
                return true
            }
            guard accepted else {
                closeDescriptor(descriptor)
                break
            }
            Thread.start { [self] in
                self.handler(TestConnection(descriptor: descriptor))
                self.state.withLock { _ = $0.openConnections.remove(descriptor) }
                closeDescriptor(descriptor)
            }
        }
        closeDescriptor(self.listener)
    }
}

/// A TCP socket bound to an ephemeral port on 127.0.0.1.
private func boundSocket() throws -> (descriptor: Int32, port: Int) {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else {
        throw TestServerError.socket(errno)
    }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let result = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, length) == 0 ? getsockname(descriptor, $0, &length) : -1
        }
    }
    guard result == 0 else {
        let error = errno
        closeDescriptor(descriptor)
        throw TestServerError.socket(error)
    }
    return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
}

private func listeningSocket(backlog: CInt) throws -> (descriptor: Int32, port: Int) {
    let (descriptor, port) = try boundSocket()
    guard listen(descriptor, backlog) == 0 else {
        let error = errno
        closeDescriptor(descriptor)
        throw TestServerError.socket(error)
    }
    return (descriptor, port)
}

/// A listener that never accepts, to make connection attempts hang.
final class TestListener: Sendable {
    let port: Int
    private let listener: Int32
    private let clients = Mutex<[Int32]>([])

    init(backlog: CInt) throws {
        (self.listener, self.port) = try listeningSocket(backlog: backlog)
    }

    /// Connects until the accept queue is full (the kernel then drops new SYNs), keeping the clients open.
    func fillBacklog(connections: Int = 4) throws {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(self.port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        for _ in 0..<connections {
            let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard client >= 0 else {
                throw TestServerError.socket(errno)
            }
            self.clients.withLock { $0.append(client) }
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        // Let the handshakes that can complete, complete.
        usleep(50_000)
    }

    func close() {
        for client in self.clients.withLock({ $0 }) {
            closeDescriptor(client)
        }
        closeDescriptor(self.listener)
    }
}

private func closeDescriptor(_ descriptor: Int32) {
    #if canImport(Glibc)
    _ = Glibc.close(descriptor)
    #elseif canImport(Darwin)
    _ = Darwin.close(descriptor)
    #endif
}

enum TestServerError: Error {
    case socket(CInt)
}

/// A request as the test server read it.
struct TestRequest: Sendable {
    var method: String
    var path: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// One accepted connection, used by its handler thread only.
final class TestConnection: @unchecked Sendable {
    private let descriptor: Int32
    private var buffer: [UInt8] = []

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Reads the next request on the connection; `nil` once the client closed it.
    func readRequest() -> TestRequest? {
        let terminator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = self.buffer.firstRange(of: terminator)?.upperBound
            if headEnd == nil, !self.receiveMore() {
                return nil
            }
        }
        let head = String(decoding: self.buffer[..<(headEnd! - 4)], as: UTF8.self)
        self.buffer.removeFirst(headEnd!)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let requestLine = lines.removeFirst().split(separator: " ")
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            return (String(line[..<colon]), String(value))
        }
        var request = TestRequest(
            method: String(requestLine[0]),
            path: String(requestLine[1]),
            headers: headers,
            body: []
        )
        let length = request.header("Content-Length").flatMap { Int($0) } ?? 0
        while self.buffer.count < length {
            guard self.receiveMore() else { return nil }
        }
        request.body = Array(self.buffer[..<length])
        self.buffer.removeFirst(length)
        return request
    }

    /// Writes bytes; `false` once the peer is gone.
    @discardableResult
    func write(_ bytes: some Collection<UInt8>) -> Bool {
        let bytes = Array(bytes)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                send(self.descriptor, $0.baseAddress! + offset, bytes.count - offset, CInt(MSG_NOSIGNAL))
            }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    @discardableResult
    func write(_ string: String) -> Bool {
        self.write(Array(string.utf8))
    }

    /// Writes a status line and header fields.
    @discardableResult
    func writeHead(status: Int = 200, reason: String = "OK", headers: [(String, String)]) -> Bool {
        var head = "HTTP/1.1 \(status) \(reason)\r\n"
        for (name, value) in headers {
            head += "\(name): \(value)\r\n"
        }
        return self.write(head + "\r\n")
    }

    /// Writes one chunk of a chunked body; an empty chunk ends the body.
    @discardableResult
    func writeChunk(_ string: String) -> Bool {
        self.write("\(String(string.utf8.count, radix: 16))\r\n\(string)\r\n")
    }

    /// Whether the peer closes the connection within `timeout`; data it sends meanwhile is dropped.
    func waitForClose(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var descriptor = pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)
            let remaining = deadline - ContinuousClock.now
            let milliseconds = max(1, Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000))
            guard poll(&descriptor, 1, milliseconds) > 0 else { continue }
            var scratch = [UInt8](repeating: 0, count: 4096)
            let received = recv(self.descriptor, &scratch, scratch.count, 0)
            if received == 0 || (received < 0 && errno != EINTR && errno != EAGAIN) {
                return true
            }
        }
        return false
    }

    private func receiveMore() -> Bool {
        var scratch = [UInt8](repeating: 0, count: 65536)
        while true {
            let received = recv(self.descriptor, &scratch, scratch.count, 0)
            if received < 0, errno == EINTR { continue }
            guard received > 0 else { return false }
            self.buffer.append(contentsOf: scratch[..<received])
            return true
        }
    }
}

/// A value shared between a server handler thread and the test.
final class Shared<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    init(_ value: Value) {
        self.storage = Mutex(value)
    }

    var value: Value {
        get { self.storage.withLock { $0 } }
        set { self.storage.withLock { $0 = newValue } }
    }

    func withLock<Result: Sendable>(_ body: (inout Value) -> Result) -> Result {
        self.storage.withLock { body(&$0) }
    }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes; returns whether it held.
func eventually(within timeout: Duration, _ condition: () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { return false }
        try await Task.sleep(for: .milliseconds(10))
    }
    return true
}

extension Thread {
    /// Runs `body` on a new detached POSIX thread, so blocking socket calls never block the
    /// concurrency pool.
    static func start(_ body: @escaping @Sendable () -> Void) {
        final class Box: Sendable {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread,
            nil,
            { argument in
                Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue().body()
                return nil
            },
            box
        )
        precondition(result == 0, "pthread_create failed")
        pthread_detach(thread)
    }
}

/// Namespace for the thread helper; not Foundation's `Thread`.
enum Thread {}

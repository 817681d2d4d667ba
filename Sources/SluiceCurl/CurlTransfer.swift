internal import CCurl
import Synchronization

/// One request in flight: owns the libcurl easy handle, receives libcurl's callbacks on the multi
/// loop thread, and hands the response head and body chunks to the awaiting tasks.
///
/// `@unchecked Sendable`: the stored properties are either immutable after ``make(request:loop:highWaterMark:lowWaterMark:)``,
/// or guarded by `state`'s mutex, or marked *loop thread only*: touched only by the multi loop
/// thread (libcurl callbacks run there), and only while the loop owns the transfer.
final class CurlTransfer: @unchecked Sendable {
    typealias HeadContinuation = CheckedContinuation<CurlResponse, any Error>
    typealias BodyContinuation = CheckedContinuation<[UInt8]?, any Error>
    private typealias StateMachine = TransferStateMachine<HeadContinuation, BodyContinuation>

    private let state: Mutex<StateMachine>
    let loop: CurlMultiLoop
    /// The easy handle; freed in `deinit`. Used by the loop thread only once submitted.
    let easy: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// The request body; libcurl reads it in place (`CURLOPT_POSTFIELDS`) until the transfer ends.
    private var requestBody: UnsafeMutableRawBufferPointer?
    private let idleReadTimeout: Duration

    /// Loop thread only: the header fields of the response being received.
    private var responseFields: [CurlHeaders.Field] = []
    /// Loop thread only: whether the final response head went out; later header lines are trailers.
    private var isHeadComplete = false
    /// Loop thread only: when a byte last arrived, or `nil` until the connection is ready.
    private var lastActivity: ContinuousClock.Instant?

    private init(
        easy: UnsafeMutableRawPointer,
        loop: CurlMultiLoop,
        idleReadTimeout: Duration,
        highWaterMark: Int,
        lowWaterMark: Int
    ) {
        self.easy = easy
        self.loop = loop
        self.idleReadTimeout = idleReadTimeout
        self.state = Mutex(TransferStateMachine(highWaterMark: highWaterMark, lowWaterMark: lowWaterMark))
    }

    deinit {
        curl_easy_cleanup(self.easy)
        curl_slist_free_all(self.headerList)
        self.requestBody?.deallocate()
    }

    /// Creates an easy handle configured for `request`.
    static func make(
        request: CurlRequest,
        loop: CurlMultiLoop,
        highWaterMark: Int,
        lowWaterMark: Int
    ) throws(CurlError) -> CurlTransfer {
        guard let easy = curl_easy_init() else {
            throw CurlError.transfer("curl_easy_init failed")
        }
        let transfer = CurlTransfer(
            easy: easy,
            loop: loop,
            idleReadTimeout: request.idleReadTimeout,
            highWaterMark: highWaterMark,
            lowWaterMark: lowWaterMark
        )
        try transfer.configure(for: request)
        return transfer
    }

    // MARK: Consumer side

    /// Registers the task awaiting the head and submits the transfer to the multi loop.
    func start(_ continuation: HeadContinuation) {
        switch self.state.withLock({ $0.start(continuation) }) {
        case .submit:
            if !self.loop.submit(.add(self)) {
                self.cancel(.shutdown)
            }
        case .fail(let continuation, let error):
            continuation.resume(throwing: error)
        }
    }

    /// Stops the transfer, failing whoever waits for it with `error`; does nothing once it ended.
    func cancel(_ error: CurlError) {
        self.perform(self.state.withLock { $0.cancel(error) }, error: error)
    }

    func iteratorCreated() {
        self.state.withLock { $0.iteratorCreated() }
    }

    func bodyReleased() {
        self.perform(self.state.withLock { $0.bodyReleased() }, error: .cancelled)
    }

    /// The next body chunk, `nil` at the end.
    func read() async throws -> [UInt8]? {
        if Task.isCancelled {
            self.cancel(.cancelled)
        }
        let action = self.state.withLock { $0.read() }
        if case .wait = action {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: BodyContinuation) in
                    switch self.state.withLock({ $0.wait(continuation) }) {
                    case .suspended:
                        break
                    case .resumeNow(let continuation, let action):
                        continuation.resume(with: self.perform(action))
                    }
                }
            } onCancel: {
                self.cancel(.cancelled)
            }
        }
        return try self.perform(action).get()
    }

    var peakBufferedBytes: Int {
        self.state.withLock { $0.peakBufferedBytes }
    }

    var pauseCount: Int {
        self.state.withLock { $0.pauseCount }
    }

    private func perform(_ action: StateMachine.ReadAction) -> Result<[UInt8]?, any Error> {
        switch action {
        case .chunk(let chunk, let resume):
            if resume {
                _ = self.loop.submit(.resume(self))
            }
            return .success(chunk)
        case .end:
            return .success(nil)
        case .fail(let error):
            return .failure(error)
        case .wait:
            preconditionFailure("wait is handled by read()")
        }
    }

    private func perform(_ action: StateMachine.CancelAction, error: CurlError) {
        switch action {
        case .none:
            break
        case .abort(let waiter):
            switch waiter {
            case .head(let continuation):
                continuation.resume(throwing: error)
            case .body(let continuation):
                continuation.resume(throwing: error)
            case nil:
                break
            }
            _ = self.loop.submit(.remove(self))
        }
    }

    // MARK: Multi loop side

    /// Whether the loop should add the transfer: it was not cancelled while queued.
    var isWaitingForHead: Bool {
        self.state.withLock { $0.isWaitingForHead }
    }

    /// libcurl is done with the transfer; the loop removed it from the multi handle.
    func finish(_ result: Result<Void, CurlError>) {
        switch self.state.withLock({ $0.transferFinished(result) }) {
        case .none:
            break
        case .failHead(let continuation, let error):
            continuation.resume(throwing: error)
        case .resumeBody(let continuation, let result):
            continuation.resume(with: result)
        }
    }

    /// Unpauses libcurl after the consumer drained the buffer.
    func resumeReceiving(now: ContinuousClock.Instant) throws(CurlError) {
        guard self.state.withLock({ $0.resumeReceiving() }) else {
            return
        }
        // Time spent paused by backpressure is not silence from the server.
        self.lastActivity = now
        // May call the write callback right away with the bytes refused when pausing.
        try curlCall { sluice_curl_easy_unpause(self.easy) }
    }

    /// Whether the server has been silent for longer than the idle-read timeout while receiving was
    /// not paused.
    func isIdle(at now: ContinuousClock.Instant) -> Bool {
        guard let lastActivity = self.lastActivity, now - lastActivity > self.idleReadTimeout else {
            return false
        }
        return !self.state.withLock { $0.isReceivePaused }
    }

    // MARK: libcurl callbacks (loop thread)

    fileprivate func connectionReady() {
        self.lastActivity = .now
    }

    fileprivate func receiveHeaderLine(_ line: UnsafeRawBufferPointer) -> Int {
        self.lastActivity = .now
        guard !self.isHeadComplete else {
            return line.count  // trailers
        }
        var length = line.count
        while length > 0, line[length - 1] == UInt8(ascii: "\n") || line[length - 1] == UInt8(ascii: "\r") {
            length -= 1
        }
        let content = UnsafeRawBufferPointer(rebasing: line[..<length])
        if content.isEmpty {
            return self.receiveEndOfHead() ? line.count : 0
        }
        if content.starts(with: "HTTP/".utf8) {
            // A status line starts a new response; an interim 1xx response's fields are dropped.
            self.responseFields.removeAll()
        } else if content[0] == UInt8(ascii: " ") || content[0] == UInt8(ascii: "\t") {
            // Obsolete line folding continues the previous field.
            if !self.responseFields.isEmpty {
                let continuation = String(decoding: content, as: UTF8.self).trimmingHTTPWhitespace()
                self.responseFields[self.responseFields.count - 1].value += " \(continuation)"
            }
        } else if let colon = content.firstIndex(of: UInt8(ascii: ":")) {
            let name = String(decoding: content[..<colon], as: UTF8.self)
            let value = String(decoding: content[(colon + 1)...], as: UTF8.self).trimmingHTTPWhitespace()
            self.responseFields.append(CurlHeaders.Field(name: name, value: value))
        }
        return line.count
    }

    /// The blank line ending a header block; returns `false` to abort the transfer.
    private func receiveEndOfHead() -> Bool {
        var status = 0
        _ = sluice_curl_easy_getinfo_long(self.easy, CURLINFO_RESPONSE_CODE, &status)
        if (100..<200).contains(status) {
            self.responseFields.removeAll()
            return true
        }
        self.isHeadComplete = true
        switch self.state.withLock({ $0.headReceived() }) {
        case .deliver(let continuation):
            let body = CurlResponseBody(transfer: self)
            continuation.resume(returning: CurlResponse(status: status, headers: CurlHeaders(self.responseFields), body: body))
            return true
        case .abort:
            return false
        }
    }

    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        self.lastActivity = .now
        let chunk = Array(bytes)
        switch self.state.withLock({ $0.bodyReceived(chunk) }) {
        case .deliver(let continuation, let chunk):
            continuation.resume(returning: chunk)
            return bytes.count
        case .buffered:
            return bytes.count
        case .pause:
            return sluice_curl_writefunc_pause()
        case .abort:
            return 0
        }
    }

    // MARK: Configuration

    private func configure(for request: CurlRequest) throws(CurlError) {
        let easy = self.easy
        try curlCall { sluice_curl_easy_setopt_string(easy, CURLOPT_URL, request.url) }
        try curlCall { sluice_curl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https") }
        try curlCall { sluice_curl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1) }
        // HTTP/2 when a TLS server offers it through ALPN (unless the request keeps to HTTP/1.1), HTTP/1.1 otherwise.
        let version = request.allowsHTTP2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1
        try curlCall { sluice_curl_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(version)) }
        try curlCall { sluice_curl_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1) }
        try curlCall { sluice_curl_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0) }
        // A proxy's CONNECT response is not the upstream's response.
        try curlCall { sluice_curl_easy_setopt_long(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1) }
        try curlCall {
            sluice_curl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeout.roundedUpMilliseconds)
        }
        if request.url.utf8.count >= 8, request.url.prefix(8).lowercased() == "https://" {
            // Wait for a connection being set up that may multiplex HTTP/2 rather than open another.
            // Not for cleartext: there the wait could last until the first response head.
            try curlCall { sluice_curl_easy_setopt_long(easy, CURLOPT_PIPEWAIT, 1) }
        }
        if let caFile = request.caFile {
            try curlCall { sluice_curl_easy_setopt_string(easy, CURLOPT_CAINFO, caFile) }
        }
        try self.configureMethodAndBody(request)
        try self.configureHeaders(request.headers)

        let unretainedSelf = Unmanaged.passUnretained(self).toOpaque()
        try curlCall { sluice_curl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, unretainedSelf) }
        try curlCall {
            sluice_curl_easy_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION) { buffer, size, count, userData in
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(userData!).takeUnretainedValue()
                return transfer.receiveBody(UnsafeRawBufferPointer(start: buffer, count: size * count))
            }
        }
        try curlCall { sluice_curl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, unretainedSelf) }
        try curlCall {
            sluice_curl_easy_setopt_write_callback(easy, CURLOPT_HEADERFUNCTION) { buffer, size, count, userData in
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(userData!).takeUnretainedValue()
                return transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: buffer, count: size * count))
            }
        }
        try curlCall { sluice_curl_easy_setopt_pointer(easy, CURLOPT_PREREQDATA, unretainedSelf) }
        try curlCall {
            sluice_curl_easy_setopt_prereq_callback(easy, CURLOPT_PREREQFUNCTION) { userData, _, _, _, _ in
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(userData!).takeUnretainedValue()
                transfer.connectionReady()
                return sluice_curl_prereqfunc_ok()
            }
        }
    }

    private func configureMethodAndBody(_ request: CurlRequest) throws(CurlError) {
        let easy = self.easy
        let method = request.method
        guard !method.isEmpty, method.utf8.allSatisfy(\.isHTTPTokenCharacter) else {
            throw CurlError.invalidMethod
        }
        if method == "HEAD" {
            try curlCall { sluice_curl_easy_setopt_long(easy, CURLOPT_NOBODY, 1) }
            return
        }
        if request.body != nil || method == "POST" {
            let body = request.body ?? []
            let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(body.count, 1), alignment: 1)
            storage.copyBytes(from: body)
            self.requestBody = storage
            try curlCall { sluice_curl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)) }
            try curlCall { sluice_curl_easy_setopt_pointer(easy, CURLOPT_POSTFIELDS, storage.baseAddress) }
        }
        if (method != "GET" && method != "POST") || (method == "GET" && request.body != nil) {
            try curlCall { sluice_curl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method) }
        }
    }

    private func configureHeaders(_ headers: CurlHeaders) throws(CurlError) {
        var lines: [String] = []
        for field in headers {
            guard !field.name.isEmpty, field.name.utf8.allSatisfy(\.isHTTPTokenCharacter),
                !field.value.utf8.contains(where: { $0 == 0 || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") })
            else {
                throw CurlError.invalidHeader
            }
            // "Name:" alone tells libcurl to drop its own field; "Name;" sends an empty one.
            lines.append(field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        if !headers.contains(name: "Expect") {
            // Never wait for `100 Continue`: many upstreams do not send it.
            lines.append("Expect:")
        }
        for line in lines {
            guard let list = curl_slist_append(self.headerList, line) else {
                throw CurlError.transfer("curl_slist_append failed")
            }
            self.headerList = list
        }
        let headerList = self.headerList
        try curlCall { sluice_curl_easy_setopt_slist(self.easy, CURLOPT_HTTPHEADER, headerList) }
    }
}

extension UInt8 {
    /// Whether the byte may appear in an HTTP token (RFC 9110, section 5.6.2): a method or a field name.
    fileprivate var isHTTPTokenCharacter: Bool {
        switch self {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(self)
        }
    }
}

extension String {
    fileprivate func trimmingHTTPWhitespace() -> String {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = self.firstIndex(where: { !isWhitespace($0) }),
            let last = self.lastIndex(where: { !isWhitespace($0) })
        else {
            return ""
        }
        return String(self[first...last])
    }
}

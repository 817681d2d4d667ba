internal import CCurl

/// libcurl's process-wide initialisation, done once before the first handle.
enum CurlGlobal {
    /// Swift runs a static initialiser exactly once, thread-safely. Never undone: other code in the
    /// process may use libcurl too, and `curl_global_cleanup` at exit gains nothing.
    private static let initResult: CURLcode = sluice_curl_global_init()

    static func initialize() {
        precondition(Self.initResult == CURLE_OK, "curl_global_init failed: \(CurlError(Self.initResult))")
    }
}

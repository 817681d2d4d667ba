public import Logging

extension CurlClient {
    /// Runs `body` with a new client and shuts the client down when `body` returns or throws.
    ///
    /// ```swift
    /// let models = try await CurlClient.withClient(logger: logger) { client in
    ///     try await client.execute(CurlRequest(url: url)).body.collect(upTo: 1 << 20)
    /// }
    /// ```
    @discardableResult
    public static func withClient<Return>(
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "sluice.curl"),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (CurlClient) async throws -> Return
    ) async throws -> Return {
        let client = CurlClient(configuration: configuration, logger: logger)
        let result: Return
        do {
            result = try await body(client)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
        return result
    }
}

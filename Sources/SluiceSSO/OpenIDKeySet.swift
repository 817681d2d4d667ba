internal import Foundation
internal import JWTKit
internal import SluiceCore

/// The issuer's signing keys (its JWKS), kept between sign-ins and fetched again when a token
/// names a key not seen yet, which is how issuers roll their keys over.
actor OpenIDKeySet {
    /// Fetches the JWKS document's bytes.
    typealias Fetch = @Sendable () async throws(SignInError) -> [UInt8]

    private let fetch: Fetch
    private let refetchInterval: Duration
    private var keys = JWTKeyCollection()
    private var keyIDs: Set<String> = []
    private var lastFetch: ContinuousClock.Instant?

    /// - Parameter refetchInterval: the least time between two fetches, so tokens naming unknown
    ///   keys cannot make Sluice hammer the issuer.
    init(refetchInterval: Duration = .seconds(5), fetch: @escaping Fetch) {
        self.fetch = fetch
        self.refetchInterval = refetchInterval
    }

    /// Verifies `token`'s signature with the key it names (or the only key, when it names none).
    func verifySignature(of token: IDToken) async throws(SignInError) {
        if lastFetch == nil || !knows(token) {
            if let lastFetch, ContinuousClock.now - lastFetch < refetchInterval, !keyIDs.isEmpty {
                throw .unknownSigningKey
            }
            try await reload()
        }
        guard knows(token) else { throw .unknownSigningKey }
        do {
            _ = try await keys.verify(token.text, as: UncheckedClaims.self)
        } catch let error as JWTError where error.errorType == .malformedToken {
            throw .malformedToken
        } catch {
            throw .badSignature
        }
    }

    /// Replaces the keys with the issuer's current set. Keys Sluice cannot use (encryption keys,
    /// unknown types) are left out rather than failing the whole set.
    func reload() async throws(SignInError) {
        let bytes = try await fetch()
        lastFetch = .now
        guard let document = try? JSONParser.parse(bytes), let entries = document["keys"]?.arrayValue else {
            throw .providerUnreachable("the JWKS document is not a key set")
        }
        let collection = JWTKeyCollection()
        var identifiers: Set<String> = []
        for entry in entries {
            guard let object = entry.objectValue, object["use"]?.stringValue ?? "sig" == "sig",
                let data = try? JSONValue.object(object).serializedString().data(using: .utf8),
                let jwk = try? JSONDecoder().decode(JWK.self, from: data),
                (try? await collection.add(jwk: jwk)) != nil
            else { continue }
            identifiers.insert(object["kid"]?.stringValue ?? "")
        }
        keys = collection
        keyIDs = identifiers
    }

    private func knows(_ token: IDToken) -> Bool {
        if let keyID = token.keyID { return keyIDs.contains(keyID) }
        return keyIDs.count == 1
    }
}

/// The payload as JWTKit sees it: the signature is all it checks; ``IDToken/checkClaims(against:)`` does the rest.
private struct UncheckedClaims: JWTPayload {
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

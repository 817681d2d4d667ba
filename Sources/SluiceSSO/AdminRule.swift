internal import SluiceCore

/// Who among the users an issuer signs in is an admin: listed email addresses (verified ones), or
/// holders of a group claim. There is no cap on how many.
public struct AdminRule: Sendable, Hashable {
    /// A claim whose value is `value`, or a list that contains it (`groups: [sluice-admins, …]`).
    public struct GroupClaim: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Lower-cased.
    public var emails: Set<String>
    public var groupClaim: GroupClaim?

    public init(emails: [String], groupClaim: GroupClaim? = nil) {
        self.emails = Set(emails.map { $0.lowercased() })
        self.groupClaim = groupClaim
    }

    public func admits(_ identity: SignedInIdentity) -> Bool {
        if let email = identity.email, identity.emailVerified, emails.contains(email.lowercased()) { return true }
        guard let groupClaim, let claim = identity.claims[groupClaim.name] else { return false }
        if let value = claim.stringValue { return value == groupClaim.value }
        return claim.arrayValue?.contains { $0.stringValue == groupClaim.value } ?? false
    }
}

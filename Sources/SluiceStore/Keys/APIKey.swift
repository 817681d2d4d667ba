public import Foundation
public import SluiceCore
public import SluicePolicy

/// An API key as stored: everything but the key itself, of which only a hash is kept.
public struct APIKey: Sendable, Hashable, Codable {
    /// The prefix of every Sluice key.
    public static let secretPrefix = "sk-sluice-"

    public var id: String
    public var name: String
    package var keyHash: Data
    /// The first characters of the key, enough for an admin to recognise it.
    public var keyPrefix: String
    /// The policy applied to this key's requests; `nil` means the configured default.
    public var policy: String?
    /// Globs over model names this key may use; empty means every model.
    public var models: [String]
    public var expiresAt: Date?
    public var revokedAt: Date?
    public var createdAt: Date
    public var lastUsedAt: Date?
    package var previousKeyHash: Data?
    /// Until when the key replaced by the last rotation still works.
    public var previousKeyExpiresAt: Date?
    /// Overrides of the policy's rate limits for this key; `nil` keeps the policy's.
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?
    public var concurrency: Int?
    /// The team the key belongs to, whose policy and budget also apply.
    public var team: String?
    /// The most the key may spend each `budgetPeriod`, in nanodollars; `nil`: no budget of its own.
    public var budgetNanodollars: Int64?
    public var budgetPeriod: BudgetPeriod?
    /// Whether the key calls the model API or the admin API.
    public var role: KeyRole

    package init(
        id: String, name: String, keyHash: Data, keyPrefix: String, policy: String?, models: [String], expiresAt: Date?,
        revokedAt: Date?, createdAt: Date, lastUsedAt: Date?, previousKeyHash: Data?, previousKeyExpiresAt: Date?,
        requestsPerMinute: Int?, tokensPerMinute: Int?, concurrency: Int?, team: String? = nil, budgetNanodollars: Int64? = nil,
        budgetPeriod: BudgetPeriod? = nil, role: KeyRole = .user
    ) {
        self.id = id
        self.name = name
        self.keyHash = keyHash
        self.keyPrefix = keyPrefix
        self.policy = policy
        self.models = models
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.previousKeyHash = previousKeyHash
        self.previousKeyExpiresAt = previousKeyExpiresAt
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.concurrency = concurrency
        self.team = team
        self.budgetNanodollars = budgetNanodollars
        self.budgetPeriod = budgetPeriod
        self.role = role
    }

    enum CodingKeys: String, CodingKey {
        case id, name, policy, models
        case keyHash = "key_hash"
        case keyPrefix = "key_prefix"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
        case previousKeyHash = "previous_key_hash"
        case previousKeyExpiresAt = "previous_key_expires_at"
        case requestsPerMinute = "requests_per_minute"
        case tokensPerMinute = "tokens_per_minute"
        case concurrency, team
        case budgetNanodollars = "budget_nanodollars"
        case budgetPeriod = "budget_period"
        case role
    }

    /// The key's own budget, if it has one (monthly unless set otherwise).
    public var budget: Budget? {
        budgetNanodollars.map {
            Budget(owner: .key(id: id, name: name), limit: USD(nanodollars: $0), period: budgetPeriod ?? .month)
        }
    }

    /// The key's own rate limits, for the policy chain.
    public var limits: KeyLimits {
        KeyLimits(requestsPerMinute: requestsPerMinute, tokensPerMinute: tokensPerMinute, concurrency: concurrency)
    }

    /// Whether this key may call the model API at all: an admin key only when it was given models.
    public var mayCallModelAPI: Bool { role == .user || !models.isEmpty }

    /// Whether this key may use `model`.
    public func allows(model: String) -> Bool {
        models.isEmpty || models.contains { ModelGlob($0).matches(model) }
    }
}

/// What one model costs, in US dollars per million tokens, as a `prices:` entry of the
/// configuration gives it. Cache reads and writes have prices of their own; left out, they cost
/// what input costs, so an incomplete entry never undercounts.
public struct ModelPrice: Sendable, Hashable {
    /// Matched against the model name the client asked for.
    public var match: ModelGlob
    public var input: Double
    public var output: Double
    public var cacheRead: Double
    public var cacheWrite: Double

    public init(match: String, input: Double, output: Double, cacheRead: Double? = nil, cacheWrite: Double? = nil) {
        self.match = ModelGlob(match)
        self.input = input
        self.output = output
        self.cacheRead = cacheRead ?? input
        self.cacheWrite = cacheWrite ?? input
    }

    /// The most one request is charged: $1,000,000, so an upstream reporting absurd token counts
    /// can neither trap the conversion nor overflow the spending counters it is added to.
    public static let maximumCost = USD(nanodollars: 1_000_000_000_000_000)

    /// The cost of `usage`: each kind of token at its own price, between zero and ``maximumCost``.
    public func cost(of usage: Usage) -> USD {
        // $1 per million tokens is 1000 nanodollars a token.
        let perToken =
            Double(usage.inputTokens) * input + Double(usage.outputTokens) * output
            + Double(usage.cacheReadInputTokens) * cacheRead + Double(usage.cacheCreationInputTokens) * cacheWrite
        let nanodollars = (perToken * 1000).rounded()
        guard nanodollars > 0 else { return .zero }
        return nanodollars < Double(Self.maximumCost.nanodollars) ? USD(nanodollars: Int64(nanodollars)) : Self.maximumCost
    }
}

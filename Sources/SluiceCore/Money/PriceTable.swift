/// The configured prices: the first entry whose glob matches the model a client asked for
/// prices its request. A model no entry matches costs nothing, which is what the embedded engine
/// costs unless an operator prices it.
///
/// ```swift
/// let prices = PriceTable([ModelPrice(match: "claude-sonnet-*", input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75)])
/// prices.cost(of: Usage(inputTokens: 1000, outputTokens: 100), model: "claude-sonnet-4-5")  // $0.0045
/// ```
public struct PriceTable: Sendable, Hashable {
    public var prices: [ModelPrice]

    public init(_ prices: [ModelPrice] = []) {
        self.prices = prices
    }

    public func price(of model: String) -> ModelPrice? {
        prices.first { $0.match.matches(model) }
    }

    public func cost(of usage: Usage, model: String) -> USD {
        price(of: model)?.cost(of: usage) ?? .zero
    }
}

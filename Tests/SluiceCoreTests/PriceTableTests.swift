import SluiceCore
import Testing

@Suite struct PriceTableTests {
    private let sonnet = ModelPrice(match: "claude-sonnet-*", input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75)

    @Test func eachKindOfTokenIsPricedOnItsOwn() {
        // 1000 × $3 + 200 × $15 + 10 000 × $0.30 + 400 × $3.75, per million tokens.
        let usage = Usage(inputTokens: 1000, outputTokens: 200, cacheReadInputTokens: 10_000, cacheCreationInputTokens: 400)
        #expect(sonnet.cost(of: usage) == USD(nanodollars: 3_000_000 + 3_000_000 + 3_000_000 + 1_500_000))
        #expect(sonnet.cost(of: Usage(cacheReadInputTokens: 1)) == USD(nanodollars: 300))
    }

    @Test func cachePricesLeftOutCostWhatInputCosts() {
        let price = ModelPrice(match: "*", input: 2, output: 8)
        #expect(
            price.cost(of: Usage(cacheReadInputTokens: 1_000_000, cacheCreationInputTokens: 1_000_000)) == USD(nanodollars: 4_000_000_000))
    }

    @Test func theFirstMatchingEntryPricesAModelAndUnmatchedModelsCostNothing() {
        let table = PriceTable([
            ModelPrice(match: "claude-sonnet-4-5", input: 1, output: 1), sonnet, ModelPrice(match: "gpt-*", input: 2.5, output: 10),
        ])
        #expect(table.price(of: "claude-sonnet-4-5")?.input == 1)
        #expect(table.price(of: "claude-sonnet-4-0")?.input == 3)
        #expect(table.cost(of: Usage(inputTokens: 1_000_000, outputTokens: 100_000), model: "gpt-4o") == USD(dollars: 3.5))
        #expect(table.cost(of: Usage(inputTokens: 1_000_000, outputTokens: 1_000_000), model: "qwen3-0.6b") == .zero)
        #expect(PriceTable().cost(of: Usage(inputTokens: 5), model: "anything") == .zero)
    }

    @Test func absurdTokenCountsCostAtMostTheCapAndNeverLessThanNothing() {
        let huge = Usage(inputTokens: Int.max, outputTokens: Int.max)
        #expect(sonnet.cost(of: huge) == ModelPrice.maximumCost)
        #expect(sonnet.cost(of: Usage(inputTokens: -1000)) == .zero)
        #expect(USD(dollars: 1e300) == USD(nanodollars: 9_200_000_000_000_000_000))
        #expect(USD(dollars: .nan) == .zero)
    }

    @Test func dollarAmountsAreReadExactly() {
        #expect(USD("10") == USD(nanodollars: 10_000_000_000))
        #expect(USD("0.25") == USD(nanodollars: 250_000_000))
        #expect(USD("$12.5") == USD(nanodollars: 12_500_000_000))
        #expect(USD(".5") == USD(nanodollars: 500_000_000))
        #expect(USD("0.000000001") == USD(nanodollars: 1))
        for bad in ["", ".", "-1", "1.2.3", "abc", "1e3", "0.0000000001", "1,5", " 1"] {
            #expect(USD(bad) == nil, "\(bad)")
        }
    }

    @Test func amountsPrintWithCentsAndUpToSixDecimals() {
        #expect(USD(nanodollars: 12_500_000_000).description == "$12.50")
        #expect(USD(nanodollars: 105_000).description == "$0.000105")
        #expect(USD(nanodollars: 0).description == "$0.00")
        #expect(USD(nanodollars: 1_234_567_890).description == "$1.234568")
        #expect(USD(nanodollars: -50_000_000).description == "-$0.05")
    }

    @Test func sumsOfSmallAmountsAreExact() {
        var total = USD.zero
        for _ in 0..<3 { total = total + USD("0.1")! }
        #expect(total == USD("0.3")!)
    }
}

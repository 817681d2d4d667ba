public import ArgumentParser
internal import SluiceCore
public import SluicePolicy

/// `--budget` and `--period`, shared by the key and team commands.
struct BudgetOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The most it may spend each period, in US dollars, e.g. 50 or 12.50.", valueName: "usd"))
    var budget: DollarsArgument?

    @Option(help: "The budget's period: day, week or month (UTC; weeks start on Monday; default month).")
    var period: BudgetPeriod?
}

/// A dollar amount such as `50`, `12.50` or `$0.25`.
struct DollarsArgument: ExpressibleByArgument {
    let amount: USD

    init?(argument: String) {
        guard let amount = USD(argument) else { return nil }
        self.amount = amount
    }
}

extension BudgetPeriod: ExpressibleByArgument {}

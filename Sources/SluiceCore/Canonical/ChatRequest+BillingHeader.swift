extension ChatRequest {
    /// The prefix of the line Claude Code puts first in `system`: `x-anthropic-billing-header: cc_version=…; cch=…;`.
    public static let billingHeaderPrefix = "x-anthropic-billing-header:"

    /// Removes Claude Code's billing line from the system prompt.
    ///
    /// Its hash changes with every request, so left in place it would make every prompt differ
    /// from its first bytes and defeat the prefix cache of any model server behind Sluice.
    /// Only Anthropic's own API reads it; other backends get the request without it.
    public mutating func removeBillingHeader() {
        system = system.compactMap { block in
            guard block.text.contains(Self.billingHeaderPrefix) else { return block }
            var block = block
            block.text = block.text
                .split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
                .filter { !$0.hasPrefix(Self.billingHeaderPrefix) }
                .joined(separator: "\n")
            return block.text.allSatisfy(\.isWhitespace) ? nil : block
        }
    }
}

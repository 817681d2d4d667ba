extension Duration {
    /// The duration in seconds, as Foundation's dates count them (`TimeInterval`).
    public var timeInterval: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

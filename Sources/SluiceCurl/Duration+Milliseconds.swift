extension Duration {
    /// Whole milliseconds, rounded up so that a short positive timeout never becomes 0 (no timeout).
    var roundedUpMilliseconds: Int {
        let (seconds, attoseconds) = self.components
        guard seconds >= 0, attoseconds >= 0 else {
            return 1
        }
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int(max(milliseconds, 1))
    }
}

/// Times work against a baseline known to be linear in the same input, measured in turns so a busy
/// machine slows both alike; a quadratic step makes the ratio explode where a linear one keeps it small.
public enum LinearTime {
    /// The fastest of `runs` timings of `work` and of `baseline`.
    public static func compare(
        runs: Int = 3, _ work: () throws -> Void, with baseline: () throws -> Void
    ) rethrows -> (work: Duration, baseline: Duration) {
        let clock = ContinuousClock()
        var fastest = (work: Duration.seconds(3600), baseline: Duration.seconds(3600))
        for _ in 0..<runs {
            fastest.work = min(fastest.work, try clock.measure(work))
            fastest.baseline = min(fastest.baseline, try clock.measure(baseline))
        }
        return fastest
    }
}

import SluiceCore
import Testing

struct RetryAfterTests {
    /// 2015-10-21T07:28:00Z.
    private let now = 1_445_412_480.0

    @Test(arguments: [
        (String?.none, String?.none, Double?.none),
        (" 7 ", nil, 7),
        ("2.5", nil, 2.5),
        ("-1", nil, nil),
        ("soon", nil, nil),
        ("7", "1500", 1.5),
        (nil, "250", 0.25),
        ("Wed, 21 Oct 2015 07:28:30 GMT", nil, 30),
        ("Wed, 21 Oct 2015 07:27:00 GMT", nil, 0),
        ("Thu, 22 Oct 2015 07:28:00 GMT", nil, 86_400),
        ("Sun, 01 Mar 2020 00:00:00 GMT", nil, 1_583_020_800 - 1_445_412_480),
        ("Wed, 21 Oct 2015 07:28:30 CET", nil, nil),
        ("21 Oct 2015 07:28:30 GMT", nil, nil),
    ])
    func delayFromTheHeaders(retryAfter: String?, milliseconds: String?, expected: Double?) {
        #expect(RetryAfter.delay(retryAfter: retryAfter, retryAfterMilliseconds: milliseconds, now: now) == expected)
    }
}

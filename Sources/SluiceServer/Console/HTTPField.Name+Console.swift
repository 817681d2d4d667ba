internal import HTTPTypes

extension HTTPField.Name {
    static let xFrameOptions = HTTPField.Name("x-frame-options")!
    static let referrerPolicy = HTTPField.Name("referrer-policy")!
    /// The console's CSRF token on its admin API calls.
    static let xCSRFToken = HTTPField.Name("x-csrf-token")!
}

import SluiceCore

extension SluiceError {
    /// A stage could not finish checking text — a pattern hit its match limit on hostile input, or
    /// PCRE2 failed. The request (or the rest of the response) is refused, never passed on unchecked.
    static func scanFailed(stage: String, _ error: PCRE2Error, inResponse: Bool = false) -> SluiceError {
        let reason = error.isResourceLimit ? "the text is too costly to check (\(error.message))" : error.message
        return inResponse
            ? SluiceError(.internalFailure, "The \(stage) policy could not check the response, so it was cut off: \(reason).")
            : SluiceError(.invalidRequest, "The \(stage) policy could not check this request, so it was refused: \(reason).")
    }
}

/// How an admin signed in to the console.
public enum ConsoleCredential: Sendable {
    /// An admin key, with the secret presented for it: the current one, or one a rotation
    /// replaced, still in its grace window (the session then ends with the window).
    case adminKey(APIKey, secret: String)
    /// Single sign-on, with the name the issuer gave (an email address).
    case singleSignOn(name: String)
}

internal import Foundation
internal import Hummingbird
internal import NIOCore

/// The console's server-rendered pages: the embedded templates of `console/` with their
/// placeholders filled in (every value HTML-escaped), served with headers that keep them out of
/// frames, caches and other origins' reach.
enum ConsolePage {
    /// No inline script or style anywhere: everything comes from `/admin/assets`.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// The shell every signed-in page shares; `console.js` fills in `page`'s content.
    static func shell(page: String, title: String, actor: String, csrfToken: String) -> Response {
        render(
            "page.html", status: .ok,
            values: ["page": escape(page), "title": escape(title), "actor": escape(actor), "csrf": escape(csrfToken)])
    }

    static func login(error: String? = nil, status: HTTPResponse.Status = .ok, singleSignOn: Bool) -> Response {
        render(
            "login.html", status: status,
            values: [
                "error": error.map { #"<p class="error" role="alert">\#(escape($0))</p>"# } ?? "",
                "sso": singleSignOn
                    ? #"<p class="or">or</p><p><a class="button secondary" id="sso" href="/admin/sso/start">Sign in with SSO</a></p>"#
                    : "",
            ])
    }

    static func message(_ title: String, _ message: String, status: HTTPResponse.Status) -> Response {
        render("message.html", status: status, values: ["title": escape(title), "message": escape(message)])
    }

    /// A static asset (`console.css`, `console.js`), or `nil` for a name not shipped.
    static func asset(named name: String) -> Response? {
        guard let text = EmbeddedConsoleAssets.files[name], name.hasSuffix(".css") || name.hasSuffix(".js") else { return nil }
        var response = Response(
            status: .ok, headers: [.contentType: name.hasSuffix(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        response.headers[.cacheControl] = "no-cache"
        applySecurityHeaders(to: &response)
        return response
    }

    /// `location` must be a path of this server.
    static func redirect(to location: String) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location])
        applySecurityHeaders(to: &response)
        return response
    }

    static func applySecurityHeaders(to response: inout Response) {
        response.headers[.contentSecurityPolicy] = contentSecurityPolicy
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.xContentTypeOptions] = "nosniff"
        // The SSO callback's URL holds a code: never pass it to another site. (`no-referrer` would
        // also make the browser send `Origin: null` with the console's own forms.)
        response.headers[.referrerPolicy] = "same-origin"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
    }

    private static func render(_ template: String, status: HTTPResponse.Status, values: [String: String]) -> Response {
        var text = EmbeddedConsoleAssets.files[template] ?? ""
        for (name, value) in values { text = text.replacingOccurrences(of: "{{\(name)}}", with: value) }
        var response = Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        applySecurityHeaders(to: &response)
        return response
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

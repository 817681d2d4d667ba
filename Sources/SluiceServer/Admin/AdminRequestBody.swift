internal import Hummingbird
internal import SluiceConfig
internal import SluiceCore
internal import SluicePolicy
internal import SluiceStore

/// A JSON object sent to the admin API, read field by field. A field of the wrong type, or one
/// the endpoint does not know, is a 400 naming it: a typo must not pass as "change nothing".
///
/// In updates, an absent field stays as it is and `null` clears it.
struct AdminRequestBody {
    let fields: JSONObject

    init(_ value: JSONValue, allowed: Set<String>) throws {
        guard let object = value.objectValue else { throw SluiceError.invalidRequest("the request body must be a JSON object") }
        if let unknown = object.keys.first(where: { !allowed.contains($0) }) {
            throw SluiceError.invalidField(unknown, "is not a field of this request (fields: \(allowed.sorted().joined(separator: ", ")))")
        }
        fields = object
    }

    /// The body of `request`, which may be left out (no body at all) when `optional`.
    static func read(
        _ request: Request, gateway: Gateway, allowed: Set<String>, optional: Bool = false
    ) async throws
        -> AdminRequestBody
    {
        if optional, request.headers[.contentLength] == "0" || request.headers[.contentLength] == nil,
            request.headers[.transferEncoding] == nil
        {
            return try AdminRequestBody(.object([:]), allowed: allowed)
        }
        return try AdminRequestBody(try await gateway.readJSON(request), allowed: allowed)
    }

    var isEmpty: Bool { fields.isEmpty }

    func string(_ name: String) throws -> String? {
        try change(name)?.value
    }

    /// `nil` when absent, `.clear` for `null`, else the string.
    func change(_ name: String) throws -> FieldChange<String>? {
        switch fields[name] {
        case nil: return nil
        case .null?: return .clear
        case .string(let value)?: return .set(value)
        default: throw SluiceError.invalidField(name, "must be a string or null")
        }
    }

    func positiveInteger(_ name: String) throws -> Int? {
        switch fields[name] {
        case nil, .null?: return nil
        case let value?:
            guard let number = value.intValue, number > 0 else { throw SluiceError.invalidField(name, "must be a positive integer") }
            return number
        }
    }

    func strings(_ name: String) throws -> [String]? {
        switch fields[name] {
        case nil, .null?: return nil
        case .array(let values)?:
            return try values.map { value in
                guard let text = value.stringValue, !text.isEmpty else {
                    throw SluiceError.invalidField(name, "must be an array of non-empty strings")
                }
                return text
            }
        default: throw SluiceError.invalidField(name, "must be an array of strings")
        }
    }

    /// A dollar amount, as a number (`12.5`) or a string (`"12.50"`); `null` clears it.
    func dollars(_ name: String) throws -> FieldChange<USD>? {
        let text: String
        switch fields[name] {
        case nil: return nil
        case .null?: return .clear
        case .number(let literal)?: text = literal
        case .string(let value)?: text = value
        default: throw SluiceError.invalidField(name, "must be an amount in US dollars, such as 50 or \"12.50\"")
        }
        guard let amount = USD(text) else {
            throw SluiceError.invalidField(name, "must be a non-negative amount in US dollars with at most nine decimals")
        }
        return .set(amount)
    }

    /// A duration such as `30d`, `12h` or `10m`.
    func duration(_ name: String) throws -> Duration? {
        guard let text = try string(name) else { return nil }
        guard let duration = DurationParser.parse(text) else {
            throw SluiceError.invalidField(name, "must be a duration such as 30d, 12h, 10m or 30s")
        }
        return duration
    }

    func budgetPeriod(_ name: String) throws -> BudgetPeriod? {
        guard let text = try string(name) else { return nil }
        guard let period = BudgetPeriod(rawValue: text) else { throw SluiceError.invalidField(name, "must be day, week or month") }
        return period
    }

    func role(_ name: String) throws -> KeyRole? {
        guard let text = try string(name) else { return nil }
        guard let role = KeyRole(rawValue: text) else { throw SluiceError.invalidField(name, "must be user or admin") }
        return role
    }
}

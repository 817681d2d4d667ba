/// A JSON object whose keys keep their order.
///
/// Request objects are small, and a scan is the cheapest lookup for them; an object that outgrows
/// ``scanLimit`` keys also keeps an index by key, so that building and reading an object with tens
/// of thousands of keys (a hostile `metadata`) stays linear instead of quadratic.
public struct JSONObject: Sendable, Hashable, Sequence {
    public private(set) var entries: [(key: String, value: JSONValue)]
    /// The position of each key's first entry, once there are more than ``scanLimit`` entries.
    private var positions: [String: Int]?

    /// Up to this many keys, lookups scan the entries.
    static let scanLimit = 16

    public init() { entries = [] }

    public init(_ entries: [(String, JSONValue)]) {
        self.entries = entries.map { (key: $0.0, value: $0.1) }
        rebuildPositions()
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var keys: [String] { entries.map(\.key) }

    /// Reading returns the first value for `key`; writing replaces it in place, appends a new key
    /// at the end, or removes it when set to `nil` (which reindexes a large object: removal is rare).
    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { entries[$0].value } }
        set {
            switch (position(of: key), newValue) {
            case (let index?, let value?): entries[index].value = value
            case (let index?, nil):
                entries.remove(at: index)
                rebuildPositions()
            case (nil, let value?): append(key, value)
            case (nil, nil): break
            }
        }
    }

    /// Appends `key` with the value `makeValue` returns, unless `key` is already present: then it
    /// returns `false` without calling `makeValue`. One hash per key for large objects, for the parser.
    package mutating func appendIfAbsent<Failure: Error>(
        _ key: String, _ makeValue: () throws(Failure) -> JSONValue
    ) throws(Failure) -> Bool {
        if positions == nil {
            guard !entries.contains(where: { $0.key == key }) else { return false }
            append(key, try makeValue())
            return true
        }
        if let existing = positions!.updateValue(entries.count, forKey: key) {
            positions![key] = existing
            return false
        }
        do {
            entries.append((key: key, value: try makeValue()))
        } catch {
            positions![key] = nil
            throw error
        }
        return true
    }

    private func position(of key: String) -> Int? {
        if let positions { return positions[key] }
        return entries.firstIndex { $0.key == key }
    }

    private mutating func append(_ key: String, _ value: JSONValue) {
        entries.append((key: key, value: value))
        if positions != nil {
            positions![key] = entries.count - 1
        } else if entries.count > Self.scanLimit {
            rebuildPositions()
        }
    }

    private mutating func rebuildPositions() {
        guard entries.count > Self.scanLimit else {
            positions = nil
            return
        }
        var positions = [String: Int](minimumCapacity: entries.count)
        for (index, entry) in entries.enumerated() where positions[entry.key] == nil {
            positions[entry.key] = index
        }
        self.positions = positions
    }

    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> {
        entries.makeIterator()
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(entries.count)
        for entry in entries {
            hasher.combine(entry.key)
            hasher.combine(entry.value)
        }
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}

import SluiceCore
import Testing

@Suite struct JSONObjectTests {
    private var sample: JSONObject { JSONObject([("c", 1), ("a", 2), ("b", 3)]) }

    @Test func replacingAValueKeepsItsPlace() {
        var object = sample
        object["a"] = "two"
        #expect(object.keys == ["c", "a", "b"])
        #expect(object["a"] == "two")
        #expect(JSONValue.object(object).serializedString() == #"{"c":1,"a":"two","b":3}"#)
    }

    @Test func addingAKeyAppendsIt() {
        var object = sample
        object["0"] = true
        #expect(object.keys == ["c", "a", "b", "0"])
        #expect(object.count == 4)
    }

    @Test func settingNilRemovesOnlyThatKey() {
        var object = sample
        object["a"] = nil
        #expect(object.keys == ["c", "b"])
        #expect(object["a"] == nil)
        object["missing"] = nil
        #expect(object.keys == ["c", "b"])
    }

    @Test func settingNullStoresNullRatherThanRemoving() {
        var object = sample
        object["a"] = .null
        #expect(object.keys == ["c", "a", "b"])
        #expect(object["a"] == .null)
    }

    @Test func equalityAndHashDependOnOrder() {
        let forward = JSONObject([("a", 1), ("b", 2)])
        let backward = JSONObject([("b", 2), ("a", 1)])
        #expect(forward != backward)
        #expect(forward == JSONObject([("a", 1), ("b", 2)]))
        #expect(forward.hashValue == JSONObject([("a", 1), ("b", 2)]).hashValue)
        #expect(Set([forward, backward, forward]).count == 2)
    }

    @Test func iterationFollowsInsertionOrder() {
        #expect(sample.map(\.key) == ["c", "a", "b"])
        #expect(sample.map(\.value) == [1, 2, 3])
        #expect(JSONObject().isEmpty)
    }

    @Test func dictionaryLiteralKeepsWrittenOrder() {
        let value: JSONValue = ["z": 1, "y": ["x": nil, "w": false]]
        #expect(value.serializedString() == #"{"z":1,"y":{"x":null,"w":false}}"#)
    }
}

@Suite struct JSONValueTests {
    @Test func doublesWithoutFractionBecomeIntegers() {
        #expect(JSONValue.double(2.0) == .number("2"))
        #expect(JSONValue.double(-0.0) == .number("0"))
        #expect(JSONValue.double(2.5) == .number("2.5"))
        #expect(JSONValue.double(1e20) == .number("1e+20"))
        #expect(JSONValue.integer(-42) == .number("-42"))
    }

    @Test func intValueAcceptsIntegralLiteralsOnly() {
        #expect(JSONValue.number("42").intValue == 42)
        #expect(JSONValue.number("-7").intValue == -7)
        #expect(JSONValue.number("1e3").intValue == 1000)
        #expect(JSONValue.number("2.0").intValue == 2)
        #expect(JSONValue.number("1.5").intValue == nil)
        #expect(JSONValue.number("12345678901234567890").intValue == nil)
        #expect(JSONValue.string("42").intValue == nil)
    }

    @Test func accessorsMatchOnlyTheirCase() {
        let value: JSONValue = ["s": "x", "b": true, "n": .number("1.5"), "a": [1], "o": [:], "z": nil]
        #expect(value["s"]?.stringValue == "x")
        #expect(value["b"]?.boolValue == true)
        #expect(value["n"]?.doubleValue == 1.5)
        #expect(value["a"]?.arrayValue == [1])
        #expect(value["o"]?.objectValue == JSONObject())
        #expect(value["z"]?.isNull == true)
        #expect(value["s"]?.boolValue == nil)
        #expect(value["missing"] == nil)
        #expect(JSONValue.array([])["s"] == nil)
    }
}

/// Objects past the scan limit keep an index; they must behave exactly like small ones.
@Suite struct LargeJSONObjectTests {
    private let keys = (0..<100).map { "key\($0)" }

    @Test func lookupsReplacementsAdditionsAndRemovalsMatchASmallObjectsRules() {
        var object = JSONObject(keys.map { ($0, JSONValue.integer(0)) })
        object["key50"] = "replaced"
        object["new"] = true
        object["key10"] = nil
        object["key11"] = nil
        #expect(object.count == 99)
        #expect(object["key50"] == "replaced" && object["new"] == true && object["key99"] == 0)
        #expect(object["key10"] == nil && object["key11"] == nil)
        #expect(Array(object.keys.prefix(11)) == Array(keys.prefix(10)) + ["key12"])
        #expect(object.keys.last == "new")
        object["key10"] = 1
        #expect(object.keys.last == "key10" && object["key10"] == 1)
    }

    @Test func theFirstOfDuplicateKeysWinsLikeInASmallObject() {
        var object = JSONObject(keys.map { ($0, JSONValue.integer(0)) } + [("key3", 1)])
        #expect(object["key3"] == 0)
        object["key3"] = nil
        #expect(object["key3"] == 1)
    }

    @Test func shrinkingBelowTheScanLimitKeepsLookupsRight() {
        var object = JSONObject(keys.prefix(20).map { ($0, JSONValue.integer(0)) })
        for key in keys.prefix(15) { object[key] = nil }
        #expect(object.keys == Array(keys[15..<20]))
        #expect(object["key19"] == 0 && object["key0"] == nil)
    }

    @Test func equalityIgnoresHowTheObjectWasBuilt() {
        var grown = JSONObject()
        for key in keys { grown[key] = 0 }
        let built = JSONObject(keys.map { ($0, JSONValue.integer(0)) })
        #expect(grown == built && grown.hashValue == built.hashValue)
    }
}

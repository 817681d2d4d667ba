import SluiceCore
import Testing

@Suite struct JSONCursorTests {
    private func cursor(_ text: String) throws -> JSONCursor {
        JSONCursor(root: try JSONParser.parse(text))
    }

    /// The message of the `invalidRequest` error `body` throws.
    private func message<T>(_ body: () throws -> T) throws -> String {
        let error = try #require(throws: SluiceError.self) { try body() }
        #expect(error.category == .invalidRequest)
        return error.message
    }

    @Test func readsTypedValues() throws {
        let body = try cursor(#"{"model":"m","stream":true,"max_tokens":1024,"temperature":0.5,"tools":[1,2],"meta":{"k":"v"}}"#)
        #expect(try body.required("model").string() == "m")
        #expect(try body.required("stream").bool())
        #expect(try body.required("max_tokens").int() == 1024)
        #expect(try body.required("temperature").double() == 0.5)
        #expect(try body.required("max_tokens").double() == 1024)
        #expect(try body.required("tools").array().map { try $0.int() } == [1, 2])
        #expect(try body.required("meta").object() == JSONObject([("k", "v")]))
    }

    @Test func typeMismatchNamesThePath() throws {
        let body = try cursor(#"{"messages":[{"role":"user"},{"role":"assistant"},{"role":5}]}"#)
        let messages = try body.required("messages").array()
        #expect(messages.map(\.path) == ["messages[0]", "messages[1]", "messages[2]"])
        #expect(try message { try messages[2].required("role").string() } == "messages[2].role: expected a string")
        #expect(try message { try messages[0].required("role").int() } == "messages[0].role: expected an integer")
    }

    @Test func nestedPathsJoinWithDotsAndIndices() throws {
        let body = try cursor(#"{"a":{"b":[{"c":"x"}]}}"#)
        let c = try body.required("a").required("b").array()[0].required("c")
        #expect(c.path == "a.b[0].c")
        #expect(try message { try c.bool() } == "a.b[0].c: expected a boolean")
        #expect(try message { try c.double() } == "a.b[0].c: expected a number")
        #expect(try message { try c.array() } == "a.b[0].c: expected an array")
        #expect(try message { try c.object() } == "a.b[0].c: expected an object")
    }

    @Test func missingRequiredFieldIsNamed() throws {
        let body = try cursor(#"{"messages":[]}"#)
        #expect(try message { try body.required("model") } == "model: field required")
        let nested = try cursor(#"{"metadata":{}}"#).required("metadata")
        #expect(try message { try nested.required("user_id") } == "metadata.user_id: field required")
    }

    @Test func nullCountsAsAbsent() throws {
        let body = try cursor(#"{"model":null,"stop":null}"#)
        #expect(try body.optional("stop") == nil)
        #expect(try body.optional("absent") == nil)
        #expect(try message { try body.required("model") } == "model: field required")
    }

    @Test func fieldOfANonObjectIsAMismatch() throws {
        let array = try cursor("[1]")
        #expect(try message { try array.optional("model") } == "body: expected an object")
        let list = try cursor(#"{"list":[1]}"#).required("list")
        #expect(try message { try list.required("x") } == "list: expected an object")
    }

    @Test func integerRejectsFractions() throws {
        let body = try cursor(#"{"n":1.5,"e":1e3}"#)
        #expect(try message { try body.required("n").int() } == "n: expected an integer")
        #expect(try body.required("e").int() == 1000)
    }

    @Test func stringsAcceptAStringOrAnArrayOfStrings() throws {
        let body = try cursor(#"{"one":"END","many":["a","b"],"none":[],"mixed":["a",1],"number":5}"#)
        #expect(try body.required("one").strings() == ["END"])
        #expect(try body.required("many").strings() == ["a", "b"])
        #expect(try body.required("none").strings() == [])
        #expect(try message { try body.required("mixed").strings() } == "mixed[1]: expected a string")
        #expect(try message { try body.required("number").strings() } == "number: expected an array")
    }
}

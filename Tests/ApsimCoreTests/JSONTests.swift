@testable import ApsimCore
import Testing

@Suite struct JSONTests {
    @Test func roundTripsInOrder() throws {
        let text = #"{"b":1,"a":[true,false,null,"x\"y",-5,1.5e3],"c":{}}"#
        #expect(try JSON.parse(text).text == text)
    }

    @Test func keepsNumbersBeyondInt64AsText() throws {
        #expect(try JSON.parse("18446744073709551616") == .number("18446744073709551616"))
        #expect(try JSON.parse("1e400") == .number("1e400"))
        #expect(try JSON.parse("-9223372036854775808") == .int(Int64.min))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        #expect(try JSON.parse(#""\u00e9\ud83d\ude00\n\u0000""#) == .string("é😀\n\u{0}"))
        #expect(JSON.string("a\u{0}b\u{1f}").text == #""a\u0000b\u001f""#)
    }

    @Test(arguments: [
        ("", "Malformed JSON at byte 0: unexpected end of input."),
        ("{\"a\":1,}", "Malformed JSON at byte 7: expected a member name."),
        ("[1,]", "Malformed JSON at byte 3: unexpected character."),
        ("{\"a\":1,\"a\":2}", "Duplicate member \"a\" in a JSON object."),
        ("\"\\ud800\"", "Malformed JSON at byte 7: unpaired surrogate in \\u escape."),
        ("01", "Malformed JSON at byte 1: unexpected data after the JSON document."),
        ("NaN", "Malformed JSON at byte 0: unexpected character."),
        ("{} x", "Malformed JSON at byte 3: unexpected data after the JSON document."),
    ])
    func refusesMalformedDocuments(text: String, message: String) {
        #expect(throws: JSONParseError(message: message)) { try JSON.parse(text) }
    }

    @Test func writerEscapesInsideLongRunsAndAtTheEdges() throws {
        let value = "\"start\\ \t tab, a run of plain text, é and 😀, \r\n\u{7}end\""
        let text = JSON.string(value).text
        #expect(text == #""\"start\\ \t tab, a run of plain text, é and 😀, \r\n\u0007end\"""#)
        #expect(try JSON.parse(text) == .string(value))
        #expect(JSON.string("").text == #""""#)
        #expect(JSON.array([.null, .bool(true), .bool(false)]).text == "[null,true,false]")
    }

    @Test func writerEscapesAtEveryPositionOfTheEightByteScan() throws {
        let specials: [Character] = ["\"", "\\", "\n", "\u{1}", "é", "a"]
        for length in 0...19 {
            for position in 0..<max(length, 1) {
                for special in specials {
                    var chars = Array(repeating: Character("x"), count: length)
                    if position < length { chars[position] = special }
                    let value = JSON.array([.string(String(chars)), .int(-9_223_372_036_854_775_808), .int(0),
                                            .int(1_000), .number("1.5e3"), .object(JSONObject(["k\"": .string(String(chars))]))])
                    let bytes = value.serialized()
                    #expect(try JSON.parse(String(decoding: bytes, as: UTF8.self)) == value)
                }
            }
        }
    }

    @Test func parsesNestedContainersFromOneScratchStack() throws {
        let text = #"{"a":[{"b":[1,[2,3],{}],"c":"é"},[]],"d":{"e":{"f":[null]}},"g":"x"}"#
        let doc = try JSON.parse(text)
        #expect(doc.text == text)
        #expect(doc.object?.count == 3)
        #expect(doc["a"]?.array?.count == 2)
        #expect(doc["d"]?["e"]?["f"] == .array([.null]))
    }

    @Test func parserCopiesTheRunsBetweenEscapes() throws {
        let cases: [(String, String)] = [
            (#""\"a""#, "\"a"), (#""a\"""#, "a\""), (#""\\""#, "\\"),
            (#""ab\\cd\/ef\u00e9gh""#, "ab\\cd/efégh"), (#""\né😀 run\tend""#, "\né😀 run\tend"),
        ]
        for (text, value) in cases { #expect(try JSON.parse(text) == .string(value), "\(text)") }
        // A document inside a string, as apsim_http's body travels.
        let inner = #"{"Path":"/export/é","Tags":[{"Key":"Name","Value":"a\"b\\c"}]}"#
        let outer = JSON.object(JSONObject(["body": .string(inner)])).text
        #expect(try JSON.parse(outer)["body"] == .string(inner))
    }

    @Test func parserChecksWhatFollowsAnEscape() {
        let invalid: [UInt8] = [0x22, 0x5C, 0x6E, 0xC3, 0x28, 0x22]  // "\n" then invalid UTF-8
        #expect(throws: JSONParseError(message: "Malformed JSON: a string is not valid UTF-8.")) {
            try invalid.withUnsafeBufferPointer { b throws(JSONParseError) in _ = try JSON.parse(bytes: b) }
        }
        #expect(throws: JSONParseError(message: "Malformed JSON at byte 3: unescaped control character in a string.")) {
            try JSON.parse("\"\\n\u{1}\"")
        }
        #expect(throws: JSONParseError(message: "Malformed JSON at byte 6: unterminated string.")) {
            try JSON.parse("\"\\nabc")
        }
    }

    @Test func writesAnObjectWithoutOneMember() {
        let o = JSONObject(["a": 1, "ResponseMetadata": ["RequestId": "x"], "b": "é"])
        #expect(o.text(excluding: "ResponseMetadata") == #"{"a":1,"b":"é"}"#)
        #expect(o.text(excluding: "c") == JSON.object(o).text)
        #expect(JSONObject(["ResponseMetadata": 1]).text(excluding: "ResponseMetadata") == "{}")
    }

    @Test func refusesInvalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
        #expect(throws: JSONParseError(message: "Malformed JSON: a string is not valid UTF-8.")) {
            try bytes.withUnsafeBufferPointer { b throws(JSONParseError) in _ = try JSON.parse(bytes: b) }
        }
    }

    @Test func limitsNestingWithoutRecursingDeeply() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParseError(message: "JSON nesting is deeper than 64 levels.")) { try JSON.parse(deep) }
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect((try? JSON.parse(ok)) != nil)
    }

    @Test func duplicateKeysInLargeObjects() {
        let members = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        #expect(throws: JSONParseError(message: "Duplicate member \"k3\" in a JSON object.")) {
            try JSON.parse("{" + members + ",\"k3\":0}")
        }
    }

    @Test func timestampsAreEpochSeconds() {
        #expect(JSON.timestamp(milliseconds: 1_700_000_000_000).text == "1700000000")
        #expect(JSON.timestamp(milliseconds: 1_700_000_000_120).text == "1700000000.12")
        #expect(JSON.timestamp(milliseconds: 1_700_000_000_005).text == "1700000000.005")
    }

    @Test func base64RoundTrip() {
        for n in 0..<8 {
            let bytes = (0..<n).map { UInt8($0 * 37 & 0xFF) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.encode(Array("apsim".utf8)) == "YXBzaW0=")
        #expect(Base64.decode("not base64!") == nil)
    }
}

@Suite struct HostileInputTests {
    @Test func hugeStringsAreCheckedForLengthOnly() {
        let huge = String(repeating: "x", count: 3_000_000)
        let r = World.validate("efs:CreateAccessPoint", #"{"ClientToken":"\#(huge)","FileSystemId":"fs-0123456789abcdef0"}"#)
        #expect(r.isError)
        #expect(error(r.body).message?.hasSuffix("at 'clientToken' failed to satisfy constraint: Member must have length less than or equal to 64") == true)
        #expect(error(r.body).message?.hasPrefix("1 validation error detected: Value '" + String(repeating: "x", count: 256) + "...'") == true)
    }

    @Test func requestsOverTheSizeLimitAreRefused() {
        let big = "{\"ClientToken\":\"" + String(repeating: "x", count: 4 * 1024 * 1024) + "\"}"
        let r = World.validate("efs:CreateAccessPoint", big)
        #expect(error(r.body) == ("SerializationException", "Request too large: \(big.utf8.count) bytes; the limit is 4194304 bytes."))
    }

    @Test func deepNestingInsideARequest() {
        let deep = String(repeating: "[", count: 100_000)
        let r = World.validate("efs:CreateAccessPoint", #"{"Tags":"# + deep)
        #expect(error(r.body) == ("SerializationException", "JSON nesting is deeper than 64 levels."))
    }
}

/// Time is kept as epoch milliseconds (`JSON.timestamp`) until a protocol renders it.
@Suite struct TimestampTests {
    @Test func jsonProtocolsWriteEpochSecondsAndXMLWritesISO8601() {
        let t = JSON.timestamp(milliseconds: 1_700_000_000_120)
        #expect(t.text == "1700000000.12")
        #expect(t == .number("1700000000.12") && JSON.timestamp(milliseconds: 1_700_000_000_000) == .int(1_700_000_000))
        #expect(t != .number("1700000000.1"))
        #expect(Timestamps.iso8601(milliseconds: 1_700_000_000_120) == "2023-11-14T22:13:20.120Z")
        #expect(Timestamps.iso8601(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamps.iso8601(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(Timestamps.iso8601(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
        #expect(Timestamps.iso8601(milliseconds: 4_102_444_800_000) == "2100-01-01T00:00:00.000Z")
    }
}

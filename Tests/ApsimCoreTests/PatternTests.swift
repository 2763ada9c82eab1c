@testable import ApsimCore
import Testing

/// Every pattern reachable from the operations' input shapes.
func modelPatterns(_ model: ServiceModel) -> [Pattern] {
    var seen = Set<ObjectIdentifier>(), out: [Pattern] = []
    func walk(_ s: Shape) {
        guard seen.insert(ObjectIdentifier(s)).inserted else { return }
        switch s.kind {
        case .string(_, _, let p, _): if let p { out.append(p) }
        case .list(let m, _, _): walk(m)
        case .map(let k, let v, _, _): walk(k); walk(v)
        case .structure(let members, _): members.forEach { walk($0.shape) }
        default: break
        }
    }
    model.operations.values.forEach { walk($0.input) }
    return out
}

@Suite struct PatternTests {
    @Test(arguments: ["efs", "fsx"])
    func everyModelPatternCompiles(service: String) {
        let model = service == "efs" ? ServiceModel.efs : ServiceModel.fsx
        let patterns = modelPatterns(model)
        #expect(patterns.count > 5)
        for p in patterns { #expect(p.compileError == nil, "\(p.source): \(p.compileError ?? "")") }
    }

    static let path = Pattern(#"^(\/|(\/(?!\.)+[^$#<>;`|&?{}^*/\n]+){1,4})$"#)

    @Test(arguments: ["/", "/a", "/a/b/c/d", "/my dir:x%\\é", "/a.b", "/a..b"])
    func pathAccepts(_ v: String) { #expect(Self.path.matches(v)) }

    @Test(arguments: ["/a/b/c/d/e", "/a/", "//a", "/.x", "/a/.b", "/..", "a", "/a\n", "", "/a$b", "/a*"])
    func pathRejects(_ v: String) { #expect(!Self.path.matches(v)) }

    static let tagKey = Pattern(#"^(?![aA]{1}[wW]{1}[sS]{1}:)([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$"#)

    @Test func tagKeyUsesUnicodeCategoriesAndRefusesAWSPrefix() {
        for ok in ["Name", "a b", "日本語", "x:y/z=+-@_.", "awsx", "aws"] { #expect(Self.tagKey.matches(ok), "\(ok)") }
        for bad in ["aws:x", "AWS:x", "aWs:", "a\tb", "a!b", "", "a#"] { #expect(!Self.tagKey.matches(bad), "\(bad)") }
    }

    @Test func javaCharacterRangeQuirkInFSxToken() {
        // The model's [A-za-z0-9_.-] also admits [\]^_` and matches the whole value (no ^ needed).
        let p = Pattern("[A-za-z0-9_.-]{0,63}$")
        for ok in ["abc", "a^b", "A`[]", "x-y.z_1"] { #expect(p.matches(ok), "\(ok)") }
        for bad in ["a/b", "a b", "tok!", String(repeating: "a", count: 64)] { #expect(!p.matches(bad), "\(bad)") }
    }

    @Test func lookaheadLookbehindAndCodePoints() {
        let name = Pattern("^(?=[a-z0-9])[a-z0-9-]{1,48}[a-z0-9]$")
        #expect(name.matches("my-ap"))
        #expect(!name.matches("-ap"))
        #expect(!name.matches("ap-"))
        let user = Pattern(#"^[^\u0000\u0085\u2028\u2029\r\n]{1,256}$"#)
        #expect(user.matches("DOMAIN\\user"))
        #expect(!user.matches("a\u{2028}b"))
        let arn = Pattern(#"^arn:(?=[^:]+:fsx:[^:]+:\d{12}:)((|(?=[a-z0-9-.]{1,63})(?!\d{1,3}(\.\d{1,3}){3})(?![^:]*-{2})(?![^:]*-\.)(?![^:]*\.-)[a-z0-9].*(?<!-)):){4}(?!/).{0,1024}$"#)
        #expect(arn.compileError == nil)
        #expect(arn.matches("arn:aws:fsx:us-east-1:123456789012:file-system/fs-0123456789abcdef0"))
        #expect(!arn.matches("arn:aws:s3:us-east-1:123456789012:x"))
    }

    @Test func hostileInputIsBoundedByTheStepBudget() {
        let evil = Pattern("^(a+)+$")
        #expect(!evil.matches(String(repeating: "a", count: 40) + "!"))
    }

    @Test func unsupportedSyntaxIsReported() {
        #expect(Pattern("(?<name>x)").compileError == "unsupported group")
        #expect(Pattern("a)").compileError == "unbalanced ')'")
        #expect(Pattern("[a-").compileError != nil)
    }

    @Test func oneScalarRepetitionsGiveBackWhatTheRestNeeds() {
        // The fast path for `x*`, `[..]{n,m}` and `.+` must backtrack like the general one.
        #expect(Pattern("^a*ab$").matches("aaab"))
        #expect(Pattern("^[a-z]{2,3}x$").matches("abx"))
        #expect(!Pattern("^[a-z]{2,3}x$").matches("ax"))
        #expect(!Pattern("^[a-z]{2,3}x$").matches("abcdx"))
        #expect(Pattern("^.+b.+$").matches("abab"))
        #expect(!Pattern("^.+$").matches("a\nb"))
        #expect(Pattern("^x{0}y$").matches("y"))
        #expect(Pattern("^[0-9a-f]{8,40}$").matches("0123abcd"))
        #expect(!Pattern("^[0-9a-f]{8,40}$").matches(String(repeating: "a", count: 41)))
    }

    @Test func asciiBitmapAgreesWithTheItemsForEveryASCIIScalarAndBeyond() {
        let sets = [Pattern(#"[^$#<>;`|&?{}^*/\n]"#), Pattern(#"[\p{L}\p{Z}\p{N}_.:/=+\-@]"#), Pattern(#"[\w\s]"#),
                    Pattern(#"[^\d]"#)]
        let samples: [(Int, String)] = [(0, "a"), (0, "$"), (0, "\n"), (0, "Z"), (1, "é"), (1, "日"), (1, "!"), (1, " "),
                                        (1, "\u{3000}"), (1, "٣"), (2, "_"), (2, "\t"), (2, "-"), (3, "5"), (3, "x")]
        let expected = [true, false, false, true, true, true, false, true, true, true, true, true, false, false, true]
        for ((i, v), want) in zip(samples, expected) { #expect(sets[i].matches(v) == want, "\(sets[i].source) on \(v)") }
    }

    @Test func oneRepetitionPatternsTakeThePlainLoopAndAgreeWithTheMatcher() {
        // `.+`, `^[0-7]{3,4}$`, `[A-za-z0-9_.-]{0,63}$` and `^([..]*)$` are loops; others are not.
        #expect(Pattern(".+").simple != nil)
        #expect(Pattern("^[0-7]{3,4}$").simple != nil)
        #expect(Pattern("[A-za-z0-9_.-]{0,63}$").simple != nil)
        #expect(Pattern(#"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"#).simple != nil)
        #expect(Pattern("^a*ab$").simple == nil)
        #expect(Pattern("^(a|b)+$").simple == nil)
        for (p, ok, bad) in [(".+", ["a", "é😀", " x "], ["", "a\nb", "\u{2028}"]),
                             ("^[0-7]{3,4}$", ["755", "0755"], ["75", "07555", "758", "７５５"]),
                             ("x{2}", ["xx"], ["x", "xxx", ""])] {
            for v in ok { #expect(Pattern(p).matches(v), "\(p) on \(v)") }
            for v in bad { #expect(!Pattern(p).matches(v), "\(p) on \(v)") }
        }
    }
}

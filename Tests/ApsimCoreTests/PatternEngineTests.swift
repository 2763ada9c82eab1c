@testable import ApsimCore
#if os(Linux)
import Glibc
#endif
import Testing

/// Every distinct pattern of both models.
private let allModelPatterns: [Pattern] = {
    var seen = Set<String>()
    return (modelPatterns(.efs) + modelPatterns(.fsx)).filter { seen.insert($0.source).inserted }
}()

/// The backtracking matcher's answer; nil when it ran out of its step budget (then it says "no"
/// whatever the truth, so there is nothing to compare).
private func backtracking(_ p: Pattern, _ value: String) -> Bool? {
    let m = Matcher(pattern: p, input: Pattern.scalars(value))
    let found = m.match(p.program.root, 0) { $0 == m.input.count }
    return m.steps > Matcher.budget ? nil : found
}

/// Strings for one pattern, built from its program: samples of what it matches (lookarounds
/// aside), the same with one repetition one short or one over its bounds, mutations of those,
/// and random strings over the pattern's own characters.
private struct Sampler {
    let program: Program
    var rng: SeededGenerator
    /// Scalars worth trying: some of every class's ASCII members, and non-ASCII specials.
    static let pool: [Unicode.Scalar] = (0x20..<0x7F).compactMap(Unicode.Scalar.init)
        + ["\n", "\r", "\t", "\u{0}", "é", "日", "٣", "\u{3000}", "\u{2028}", "\u{85}", "😀", "Ⅻ", "ǅ"]
    var alphabet: [Unicode.Scalar] = []
    /// The pool's members per one-scalar node, found once.
    var members: [Int: [Unicode.Scalar]] = [:]

    init(_ program: Program, seed: UInt64) {
        self.program = program
        rng = SeededGenerator(seed: seed)
    }

    mutating func pick<T>(_ items: [T]) -> T? {
        items.isEmpty ? nil : items[Int(rng.next() % UInt64(items.count))]
    }

    /// Appends a string `index` matches; `skew` (node, delta) moves one repetition's count off its range.
    mutating func sample(_ index: Int, _ out: inout [Unicode.Scalar], skew: (Int, Int)? = nil) {
        guard program.nodes.indices.contains(index) else { return }
        let node = program.nodes[index]
        switch node.op {
        case .char:
            if let c = Unicode.Scalar(UInt32(node.a)) { out.append(c) }
        case .any, .set:
            let candidates = members[index] ?? Sampler.pool.filter { Matcher.scalarMatches(node, $0.value, program) }
            members[index] = candidates
            if let c = pick(candidates) { out.append(c); alphabet.append(c) }
        case .seq, .alt:
            let kids = Array(program.children[node.a..<(node.a + node.b)])
            if node.op == .seq {
                for kid in kids { sample(kid, &out, skew: skew) }
            } else if let kid = pick(kids) {
                sample(kid, &out, skew: skew)
            }
        case .repetition:
            // Long bounds ({0,1023}) are reached by the skewed samples only: they cost time.
            let hi = node.c < 0 ? node.b + 6 : min(node.c, node.b + 64)
            var n = [node.b, node.b + 1, hi, node.b + Int(rng.next() % UInt64(min(hi - node.b, 8) + 1))][Int(rng.next() % 4)]
            n = min(max(n, node.b), hi)
            if let (target, delta) = skew, target == index { n = delta < 0 ? node.b - 1 : (node.c < 0 ? n : node.c + 1) }
            for _ in 0..<max(n, 0) { sample(node.a, &out, skew: skew) }
        case .look, .start, .end:
            break
        }
    }

    /// Real values of model members, for the patterns random samples rarely satisfy (FSx
    /// ResourceARN's lookaheads want `...:fsx:<region>:<12 digits>:`).
    static let seeds = ["arn:aws:fsx:us-east-1:123456789012:file-system/fs-0123456789abcdef0",
                        "arn:aws-cn:fsx:cn-north-1:123456789012:volume/fs-01234567/fsvol-0123456789abcdef0",
                        "arn:aws:fsx:eu-west-1:123456789012:backup/backup-0123456789abcdef0",
                        "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-0123456789abcdef0",
                        "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/ad/svc-account-AbC123",
                        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/fsx/windows", "arn:aws:iam::123456789012:role/r",
                        "alias/my-key", "192.168.10.1", "2001:db8::1", "fe80::1:2:3", "fs-0123456789abcdef0", "/export/ap-1",
                        "1:05:30", "Name", "aws:x", "QUJD", "10.0.0.[1-3]@tcp", "my-ap-01"]

    /// About 150 strings for the pattern rooted at `program.root`.
    mutating func strings() -> [String] {
        var out: [[Unicode.Scalar]] = []
        for _ in 0..<20 {
            var s: [Unicode.Scalar] = []
            sample(program.root, &s)
            out.append(s)
        }
        out += Sampler.seeds.map { Array($0.unicodeScalars) }
        let repetitions = program.nodes.indices.filter { program.nodes[$0].op == .repetition }
        for r in repetitions.prefix(8) {
            for delta in [-1, 1] {
                var s: [Unicode.Scalar] = []
                sample(program.root, &s, skew: (r, delta))
                out.append(s)
            }
        }
        let specials: [Unicode.Scalar] = ["é", "日", "\u{2028}", "\n", "-", ":", "/", ".", " ", "a", "0"]
        let letters = alphabet + specials
        for base in out.prefix(20 + Sampler.seeds.count) {
            for _ in 0..<2 {
                var s = base
                let at = s.isEmpty ? 0 : Int(rng.next() % UInt64(s.count + 1))
                switch rng.next() % 3 {
                case 0: if let c = pick(letters) { s.insert(c, at: at) }
                case 1: if at < s.count { s.remove(at: at) }
                default: if at < s.count, let c = pick(letters) { s[at] = c }
                }
                out.append(s)
            }
            out.append(base + ["\n"])
        }
        for _ in 0..<20 {
            let n = Int(rng.next() % 13)
            out.append((0..<n).compactMap { _ in pick(letters) })
        }
        return out.map { String(String.UnicodeScalarView($0)) }
    }
}

@Suite struct PatternEngineTests {
    @Test func everyModelPatternAgreesWithTheBacktrackingMatcher() {
        var cases = 0
        for (n, p) in allModelPatterns.enumerated() {
            // A one-repetition pattern runs as a loop in production; its engine here gets a small
            // DFA cap, so that `{1,2000}` does not spend the test's time building 2,000 states.
            guard let withDFA = p.engine ?? PatternEngine(p.program, dfaStates: 300),
                  let nfaOnly = PatternEngine(p.program, dfaStates: 0) else {
                Issue.record("\(p.source) did not compile to automata")
                continue
            }
            // An engine without any DFA (`{3,4357}` past the cap) is the NFA simulation already.
            let simulatesOnly = withDFA.automata.allSatisfy { $0.dfa == nil }
            var sampler = Sampler(p.program, seed: UInt64(n + 1))
            for s in sampler.strings() {
                let dfa = withDFA.matches(s), nfa = simulatesOnly ? dfa : nfaOnly.matches(s)
                #expect(dfa == nfa && p.matches(s) == dfa, "\(p.source) on \(s.debugDescription): DFA \(dfa), NFA \(nfa)")
                // The backtracking matcher recurses per scalar: it only sees what it saw in production.
                if s.unicodeScalars.count <= Pattern.boundedLength, let old = backtracking(p, s) {
                    #expect(old == dfa, "\(p.source) on \(s.debugDescription): backtracking \(old), DFA \(dfa)")
                }
                cases += 1
            }
        }
        #expect(cases > 8000)
    }

    /// Constructs the models do not use (or use once): nested and variable-length lookarounds,
    /// `^` inside a loop, a `$` with more pattern after it (matched by NFA simulation only).
    @Test(arguments: [#"^(?=.*\d)(?=.*[a-z]).{3,8}$"#, #"^(?!.*--)[a-z-]+(?<!-)$"#, #"^.*(?<=ab|c)d$"#,
                      #"^(a|^b)+$"#, #"^a$\n?"#, #"^(?=(?!x)[a-z])\w+$"#, #"^a+(?<=^a*)b$"#, #"(?<!^)x.*"#,
                      #"^(?=a$)a\n$"#, #"^(a|b|)*c{0,3}(?<=[bc])$"#, #"x*$|^y+"#])
    func otherConstructsAgreeToo(_ source: String) throws {
        let p = Pattern(source)
        let nfaOnly = try #require(PatternEngine(p.program, dfaStates: 0))
        var rng = SeededGenerator(seed: 7)
        let letters: [Unicode.Scalar] = ["a", "b", "c", "d", "x", "y", "-", "1", "\n", "é"]
        for _ in 0..<300 {
            let s = String(String.UnicodeScalarView((0..<Int(rng.next() % 9)).map { _ in letters[Int(rng.next() % 10)] }))
            let old = backtracking(p, s)
            #expect(old == nil || old == p.matches(s), "\(source) on \(s.debugDescription)")
            #expect(nfaOnly.matches(s) == p.matches(s), "\(source) on \(s.debugDescription)")
        }
    }

    @Test func aScalarOutsideTheAlphabetFallsBackToTheNFA() throws {
        // U+0483 (a combining mark) is in the Cyrillic block but no letter: no sampled scalar has
        // that signature, so the DFA gives up on it and the NFA simulation decides.
        let p = Pattern(#"^\p{L}*[\u0400-\u04FF]$"#)
        let engine = try #require(p.engine)
        #expect(engine.alphabet?.classOf(0x483, engine) == nil)
        #expect(engine.alphabet?.classOf(0x430, engine) != nil)
        #expect(p.matches("аб\u{483}") && p.matches("xя") && !p.matches("\u{483}x") && !p.matches("ab"))
    }

    @Test func modelPatternsCompileAndMostGetADFA() {
        // (How long compiling takes is for the benchmarks, not for a test.)
        let compiled = allModelPatterns.map { Pattern($0.source) }
        let engines = compiled.compactMap(\.engine)
        let states = engines.flatMap { $0.automata.compactMap(\.dfa?.stateCount) }
        let withoutDFA = engines.filter { $0.automata.first?.dfa == nil }.count
        // Only FSx ResourceARN (lookarounds, then `.{0,1024}` after a `.*`) is matched by its NFA.
        #expect(withoutDFA <= 1, "\(withoutDFA) patterns have no DFA")
        #expect((states.max() ?? 0) < 2000 && states.reduce(0, +) < 5000, "DFA states: \(states)")
    }
}

/// Runs `body` on a new thread with a 128 KiB stack (a small host thread) and waits for it
/// (elsewhere than Linux: on the calling thread).
private func onSmallStack(_ body: @escaping () -> Void) -> Bool {
    #if os(Linux)
    final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }
    var attr = pthread_attr_t()
    pthread_attr_init(&attr)
    defer { pthread_attr_destroy(&attr) }
    guard pthread_attr_setstacksize(&attr, 128 * 1024) == 0 else { return false }
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let started = pthread_create(&thread, &attr, { raw in
        guard let raw else { return nil }
        Unmanaged<Box>.fromOpaque(raw).takeRetainedValue().body()
        return nil
    }, box)
    guard started == 0 else {
        Unmanaged<Box>.fromOpaque(box).release()
        return false
    }
    return pthread_join(thread, nil) == 0
    #else
    body()
    return true
    #endif
}

/// A value as a validation message echoes it: cut at 256 scalars.
private func echoed(_ v: String) -> String {
    v.unicodeScalars.count > 256 ? String(String.UnicodeScalarView(v.unicodeScalars.prefix(256))) + "..." : v
}

@Suite struct LongValuePatternTests {
    @Test func a600CharacterFSxKmsKeyIdIsNowCheckedAgainstItsPattern() {
        // ^.{1,2048}$: a line break is no `.`; before, values over 512 characters skipped the pattern.
        let kms = String(repeating: "k", count: 599) + "\n"
        let request: JSON = ["FileSystemType": "LUSTRE", "SubnetIds": ["subnet-0123456789abcdef0"], "KmsKeyId": .string(kms)]
        #expect(validationError("fsx:CreateFileSystem", request) == ("BadRequest",
            coral(echoed(kms), "kmsKeyId", "Member must satisfy regular expression pattern: ^.{1,2048}$")))
        let fine: JSON = ["FileSystemType": "LUSTRE", "SubnetIds": ["subnet-0123456789abcdef0"],
                          "KmsKeyId": .string(String(repeating: "k", count: 600))]
        // The shapes pass; the rules answer next (apsim does not emulate Lustre).
        #expect(validationError("fsx:CreateFileSystem", fine).message?.hasPrefix("FileSystemType LUSTRE is not emulated") == true)
    }

    @Test func a600CharacterGeneralARNGoesThroughTheDFA() {
        let pattern = #"^arn:[^:]{1,63}:[^:]{0,63}:[^:]{0,63}:(?:|\d{12}):[^/].{0,1023}$"#
        func request(_ destination: String) -> JSON {
            ["FileSystemType": "WINDOWS", "SubnetIds": ["subnet-0123456789abcdef0"],
             "WindowsConfiguration": ["ThroughputCapacity": 32, "AuditLogConfiguration": [
                "FileAccessAuditLogLevel": "DISABLED", "FileShareAccessAuditLogLevel": "DISABLED",
                "AuditLogDestination": .string(destination)]]]
        }
        let prefix = "arn:aws:logs:us-east-1:123456789012:"
        let good = prefix + "log-group:" + String(repeating: "g", count: 600 - prefix.count - 10)
        let bad = prefix + "/" + String(repeating: "g", count: 600 - prefix.count - 1)  // [^/] refuses the slash
        #expect(good.count == 600 && bad.count == 600)
        #expect(validationError("fsx:CreateFileSystem", request(good)).message?.hasPrefix("FileSystemType WINDOWS is not emulated") == true)
        #expect(validationError("fsx:CreateFileSystem", request(bad)) == ("BadRequest",
            coral(echoed(bad), "windowsConfiguration.auditLogConfiguration.auditLogDestination",
                  "Member must satisfy regular expression pattern: " + pattern)))
    }

    @Test func a100000CharacterValueIsMatchedWithoutRecursion() {
        let role = Pattern(#"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+"#)
        let evil = Pattern("^(a+)+$")
        let long = "arn:aws:iam::123456789012:role/" + String(repeating: "r", count: 100_000)
        let as_ = String(repeating: "a", count: 100_000)
        let nfaOnly = PatternEngine(evil.program, dfaStates: 0)
        var results: [Bool?] = []
        // A 128 KiB thread stack: a recursion per character would overflow it many times over.
        // (How long it takes is for the benchmarks, not for a test.)
        #expect(onSmallStack {
            results = [role.matches(long), role.matches(long + "!"), evil.matches(as_), evil.matches(as_ + "!"),
                       nfaOnly?.matches(as_ + "!")]
        })
        #expect(results == [true, false, true, false, false])
    }

    @Test func a100000CharacterRequestValueIsValidatedOnASmallStack() {
        // EFS KmsKeyId (max 2048): `alias/[a-zA-Z0-9/_-]+` is unbounded; both violations are reported.
        let kms = "alias/" + String(repeating: "a", count: 100_000) + "!"
        let pattern = #"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias/[a-zA-Z0-9/_-]+|(arn:aws[-a-z]*:kms:[a-z0-9-]+:\d{12}:((key/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})|(key/mrk-[0-9a-f]{32})|(alias/[a-zA-Z0-9/_-]+))))$"#
        var answer: (code: String?, message: String?) = (nil, nil)
        #expect(onSmallStack { answer = validationError("efs:CreateFileSystem", ["CreationToken": "t", "KmsKeyId": .string(kms)]) })
        let shown = "Value '\(echoed(kms))' at 'kmsKeyId' failed to satisfy constraint: "
        #expect(answer == ("ValidationException", "2 validation errors detected: " + shown
            + "Member must have length less than or equal to 2048; " + shown + "Member must satisfy regular expression pattern: " + pattern))
    }
}

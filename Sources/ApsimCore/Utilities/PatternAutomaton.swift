// The non-recursive engine of `Pattern`, part 2: the alphabet classes, the DFA built eagerly from
// each NFA by subset construction, and the matching entry points (PatternNFA.swift has the NFA).

/// A pattern compiled for matching without recursion: automaton 0 is the whole pattern, automaton
/// k + 1 the body of lookaround k. Each automaton has an NFA and, when its subset construction
/// stayed within `DFABuilder`'s limits, a DFA; a scalar outside the alphabet's classes or a
/// missing DFA means the NFA simulation. Built once, when the `Pattern` is. (Classes, not
/// structs, for it, its DFAs and its alphabet: matching then retains one reference, not every array.)
final class PatternEngine: Sendable {
    let program: Program
    /// The distinct one-scalar nodes (chars, `.`, sets): an NFA atom state names one of these.
    let atoms: [Node]
    let looks: [Look]
    let automata: [Automaton]
    /// Nil when the pattern has more than 64 atoms or lookarounds (then no automaton has a DFA).
    let alphabet: Alphabet?

    /// A lookaround: `(?=X)` (ahead) or `(?<=X)` (behind), possibly negated. Its body matches
    /// between `minLength` and `maxLength` (-1: any number of) scalars: where a lookbehind may start.
    struct Look: Sendable {
        let body: Int
        let ahead: Bool
        let negated: Bool
        let minLength: Int
        let maxLength: Int
    }

    struct Automaton: Sendable {
        let nfa: NFA
        let dfa: DFA?
    }

    /// The NFA states the engine may build for one pattern, lookaround bodies included.
    static let nfaLimit = 100_000

    /// Compiles `program`; nil when it needs more than `nfaLimit` NFA states. `dfaStates` caps
    /// the states of each DFA (0: no DFA, the NFA simulation alone; tests use it).
    init?(_ program: Program, dfaStates: Int = DFABuilder.stateLimit) {
        var atoms: [Node] = [], lookNodes: [Int] = []
        var atomOf = [Int32](repeating: -1, count: program.nodes.count), lookOf = atomOf
        for (i, node) in program.nodes.enumerated() {
            switch node.op {
            case .char, .any, .set:
                if let j = atoms.firstIndex(where: { PatternEngine.sameAtom($0, node, program) }) {
                    atomOf[i] = Int32(j)
                } else {
                    atomOf[i] = Int32(atoms.count)
                    atoms.append(node)
                }
            case .look:
                lookOf[i] = Int32(lookNodes.count)
                lookNodes.append(i)
            default:
                break
            }
        }
        var nfas: [NFA] = [], looks: [Look] = [], budget = PatternEngine.nfaLimit
        do throws(NFABuilder.TooLarge) {
            let roots = [program.root] + lookNodes.map { program.nodes[$0].a }
            for root in roots {
                let nfa = try NFABuilder.build(program, root: root, atomOf: atomOf, lookOf: lookOf, limit: budget)
                budget -= nfa.count
                nfas.append(nfa)
            }
        } catch {
            return nil
        }
        for (k, i) in lookNodes.enumerated() {
            let node = program.nodes[i]
            let (lo, hi) = PatternEngine.lengthBounds(node.a, program)
            looks.append(Look(body: k + 1, ahead: node.b == 1, negated: node.c == 1, minLength: lo, maxLength: hi))
        }
        let alphabet = atoms.count <= 64 && looks.count <= 64 ? Alphabet(atoms, program) : nil
        self.program = program
        self.atoms = atoms
        self.looks = looks
        self.alphabet = alphabet
        automata = nfas.map { nfa in
            guard let alphabet, dfaStates > 0 else { return Automaton(nfa: nfa, dfa: nil) }
            var builder = DFABuilder(nfa: nfa, alphabet: alphabet, stateLimit: dfaStates)
            return Automaton(nfa: nfa, dfa: builder.build())
        }
    }

    /// Whether two one-scalar nodes match the same scalars (the same char, `.`, or equal sets).
    static func sameAtom(_ x: Node, _ y: Node, _ program: Program) -> Bool {
        guard x.op == y.op else { return false }
        switch x.op {
        case .char: return x.a == y.a
        case .set:
            guard program.sets.indices.contains(x.a), program.sets.indices.contains(y.a) else { return false }
            return program.sets[x.a].items == program.sets[y.a].items && program.sets[x.a].negated == program.sets[y.a].negated
        default: return true
        }
    }

    /// The fewest and most scalars node `index` matches (most -1: unbounded; saturates at 10^6).
    static func lengthBounds(_ index: Int, _ program: Program) -> (Int, Int) {
        guard program.nodes.indices.contains(index) else { return (0, -1) }
        let node = program.nodes[index], cap = 1_000_000
        switch node.op {
        case .char, .any, .set: return (1, 1)
        case .look, .start, .end: return (0, 0)
        case .seq, .alt:
            guard node.a >= 0, node.b >= 0, node.a + node.b <= program.children.count else { return (0, -1) }
            let bounds = program.children[node.a..<(node.a + node.b)].map { lengthBounds($0, program) }
            if node.op == .alt, !bounds.isEmpty {
                let hi = bounds.contains { $0.1 < 0 } ? -1 : bounds.map(\.1).max() ?? 0
                return (bounds.map(\.0).min() ?? 0, hi)
            }
            let hi = bounds.contains { $0.1 < 0 } ? -1 : Swift.min(cap, bounds.map(\.1).reduce(0, +))
            return (Swift.min(cap, bounds.map(\.0).reduce(0, +)), hi)
        case .repetition:
            let (lo, hi) = lengthBounds(node.a, program)
            let most = hi == 0 ? 0 : (hi < 0 || node.c < 0 ? -1 : Swift.min(cap, hi * Swift.min(node.c, cap)))
            return (Swift.min(cap, lo * Swift.min(node.b, cap)), most)
        }
    }

    /// Whether the whole of `value` matches.
    func matches(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { bytes in
            let input = PatternInput(bytes: bytes)
            return run(0, input, from: 0, stop: input.end, prefix: false)
        }
    }

    /// Runs automaton `a` from byte `from`: true when it matches exactly up to `stop` (with
    /// `prefix`: any prefix of the rest). The DFA when there is one and the scalars fit its
    /// classes, else the NFA simulation.
    func run(_ a: Int, _ input: PatternInput, from start: Int, stop: Int, prefix: Bool) -> Bool {
        if let found = runDFA(a, input, from: start, stop: stop, prefix: prefix) { return found }
        return simulate(a, input, from: start, stop: stop, prefix: prefix)
    }

    /// Whether lookaround `look` holds at byte `p`. The lookaround's body runs as a match of its
    /// own (nesting as deep as the pattern's lookarounds nest, never per scalar); a lookbehind
    /// tries only the starts its body's length bounds allow.
    func holds(_ look: Int, at p: Int, _ input: PatternInput) -> Bool {
        guard looks.indices.contains(look) else { return false }
        let l = looks[look]
        var found = false
        if l.ahead {
            found = run(l.body, input, from: p, stop: input.end, prefix: true)
        } else {
            var q = p, k = 0
            while k < l.minLength, q > 0 { q = input.start(before: q); k += 1 }
            while k >= l.minLength {
                if run(l.body, input, from: q, stop: p, prefix: false) { found = true; break }
                if q == 0 || (l.maxLength >= 0 && k >= l.maxLength) { break }
                q = input.start(before: q)
                k += 1
            }
        }
        return found != l.negated
    }

    /// Runs automaton `a`'s DFA (see `run`); nil when it has none or a scalar of the value is in
    /// no class of the alphabet (the caller then simulates the NFA). Per ASCII byte: one flags
    /// test, one class lookup and one transition, all in one table.
    func runDFA(_ a: Int, _ input: PatternInput, from start: Int, stop: Int, prefix: Bool) -> Bool? {
        guard automata.indices.contains(a), let dfa = automata[a].dfa, start >= 0, stop <= input.end else { return nil }
        let first = start == 0 ? dfa.start0 : dfa.startMid
        guard first >= 0 else { return false }
        var row = Int(first), p = start
        while true {
            var flags = dfa.table[row]
            // A test state decides one lookaround and moves on, within the position.
            while flags & DFA.test != 0 {
                let state = dfa.state(row)
                let next = holds(Int(dfa.tests[state]), at: p, input) ? dfa.onTrue[state] : dfa.onFalse[state]
                guard next >= 0 else { return false }
                row = Int(next)
                flags = dfa.table[row]
            }
            if flags & (DFA.acceptNow | DFA.acceptEnd) != 0, prefix || p == stop,
               flags & DFA.acceptNow != 0 || input.dollar(at: p) { return true }
            guard p < stop else { return false }
            let byte = input.bytes[p]  // p < stop <= end
            var column: Int, length = 1
            if byte < 0x80 {
                column = Int(dfa.table[Int(byte)])
            } else {
                let (c, n) = input.scalar(at: p)
                guard let alphabet, let k = alphabet.classOf(c, self) else { return nil }
                column = k + 1
                length = n
            }
            let next = dfa.table[row &+ column]
            guard next >= 0 else { return false }
            row = Int(next)
            p &+= length
        }
    }
}

/// The alphabet of a pattern: scalars grouped into classes by which atoms they match (a DFA moves
/// per class). The 128 ASCII scalars are looked up in a table; other scalars have their atoms
/// tested and the class found by its signature, when a class has it (sampled scalars: see `init`).
final class Alphabet: Sendable {
    /// The class of each ASCII scalar.
    let ascii: [UInt8]
    /// Class k's signature: bit i set when its scalars match atom i.
    let signatures: [UInt64]

    /// Nil when there would be more than 255 classes.
    init?(_ atoms: [Node], _ program: Program) {
        func signature(_ c: UInt32) -> UInt64 {
            var sig: UInt64 = 0
            for (i, atom) in atoms.enumerated() where Matcher.scalarMatches(atom, c, program) { sig |= 1 << UInt64(i) }
            return sig
        }
        var signatures: [UInt64] = [], ascii: [UInt8] = []
        func classOf(_ sig: UInt64) -> Int {
            if let k = signatures.firstIndex(of: sig) { return k }
            signatures.append(sig)
            return signatures.count - 1
        }
        for c in UInt32(0)..<128 { ascii.append(UInt8(truncatingIfNeeded: classOf(signature(c)))) }
        // Non-ASCII samples: letters, digits, separators, terminators, marks and symbols of several
        // scripts, and the neighbours of every non-ASCII bound the pattern names.
        var samples: [UInt32] = [0x80, 0x85, 0xA0, 0xA9, 0xB2, 0xE9, 0x1C5, 0x2B0, 0x300, 0x3A3, 0x663, 0x2028,
                                 0x2029, 0x2160, 0x3000, 0x65E5, 0xFFFD, 0x1F600, 0x10FFFF]
        for atom in atoms {
            if atom.op == .char { samples += [UInt32(truncatingIfNeeded: atom.a)].flatMap { [$0 &- 1, $0, $0 &+ 1] } }
            guard atom.op == .set, program.sets.indices.contains(atom.a) else { continue }
            for case .range(let lo, let hi) in program.sets[atom.a].items where hi >= 128 {
                samples += [lo &- 1, lo, hi, hi &+ 1]
            }
        }
        for c in samples where c >= 128 && c <= 0x10FFFF && !(0xD800...0xDFFF).contains(c) { _ = classOf(signature(c)) }
        guard signatures.count <= 255 else { return nil }
        self.ascii = ascii
        self.signatures = signatures
    }

    /// The class of non-ASCII scalar `c`; nil when no class has its signature.
    func classOf(_ c: UInt32, _ engine: PatternEngine) -> Int? {
        guard let sig = engine.signature(c) else { return nil }
        return signatures.firstIndex(of: sig)
    }
}

/// A DFA over alphabet classes, in one table (matching reads one array): entries 0..<128 give each
/// ASCII scalar's column (1 + its class); then each state has a row of `classCount + 1` entries,
/// its flags and, per class, the row of the next state (-1: no match possible). States are
/// named by their rows. A test state (flag `test`) waits on a lookaround: `tests` (per state
/// number) names it, `onTrue`/`onFalse` are where it goes without consuming. Flag `acceptNow`:
/// the match state is in the set; `acceptEnd`: it is once `$` holds. `start0` is the start at
/// byte 0 (where `^` holds), `startMid` elsewhere (lookaround bodies start anywhere).
final class DFA: Sendable {
    static let test: Int32 = 1, acceptNow: Int32 = 2, acceptEnd: Int32 = 4
    let classCount: Int
    let table: [Int32]
    let tests: [Int32], onTrue: [Int32], onFalse: [Int32]
    let start0: Int32, startMid: Int32
    let stateCount: Int

    /// From the builder's per-state arrays (`trans`: `classCount` entries a state; states by number).
    init(ascii: [UInt8], classCount: Int, trans: [Int32], flags: [Int32], tests: [Int32], onTrue: [Int32],
         onFalse: [Int32], start0: Int32, startMid: Int32) {
        let stride = classCount + 1
        func row(_ state: Int32) -> Int32 { state < 0 ? -1 : Int32(128 + Int(state) * stride) }
        var table = ascii.map { Int32($0) + 1 }
        for (s, f) in flags.enumerated() {
            table.append(f)
            table += trans[(s * classCount)..<((s + 1) * classCount)].map(row)
        }
        self.classCount = classCount
        self.table = table
        self.tests = tests
        self.onTrue = onTrue.map(row)
        self.onFalse = onFalse.map(row)
        self.start0 = row(start0)
        self.startMid = row(startMid)
        stateCount = flags.count
    }

    /// The number of the state at `row`.
    func state(_ row: Int) -> Int { (row - 128) / (classCount + 1) }
}

// The non-recursive engine of `Pattern`, part 3: the subset construction that turns an NFA
// (PatternNFA.swift) into the DFA that PatternAutomaton.swift runs.

/// Builds a DFA from an NFA by subset construction, eagerly (at load: matching never mutates
/// anything, so it needs no lock), up to `stateLimit` states, `transitionLimit` transitions and
/// `workLimit` steps; past any of them, or when something other than the end of the match
/// follows a `$`, the automaton keeps only its NFA.
///
/// A DFA state is a set of NFA states (atoms, the match state, and the assertions the builder
/// cannot decide: `$`, lookarounds) plus what holds at its position: whether it is byte 0 (`^`
/// holds there and nowhere else, decided here) and which lookarounds were tested, with what
/// result. `$` is decided when matching reaches the end (`acceptEnd`); a set waiting on a
/// lookaround is a test state whose two successors are the set with it decided either way.
struct DFABuilder {
    static let stateLimit = 4096
    /// At most 16,384 transitions (64 KiB of table) per DFA: the largest model DFA (FSx
    /// GeneralARN's `{0,1023}`: 1,234 states of 8 classes) has 9,872; the one pattern past it
    /// (FSx ResourceARN, lookarounds and `.{0,1024}` after a `.*`) is found out sooner.
    static let transitionLimit = 16_384
    static let workLimit = 2_000_000

    /// A DFA state under construction: sorted NFA states and the position's knowledge (`known`:
    /// the lookarounds decided, bit k for lookaround k; `truth`: those that held).
    struct Key: Hashable {
        var states: [Int32]
        var atStart: Bool
        var known: UInt64
        var truth: UInt64
    }

    let nfa: NFA
    let alphabet: Alphabet
    let stateLimit: Int
    var keys: [Key] = []
    var index: [Key: Int32] = [:]
    var scratch: ClosureScratch
    var work = 0

    init(nfa: NFA, alphabet: Alphabet, stateLimit: Int) {
        self.nfa = nfa
        self.alphabet = alphabet
        self.stateLimit = stateLimit
        scratch = ClosureScratch(count: nfa.count)
    }

    /// The DFA, or nil past the limits (see the type).
    mutating func build() -> DFA? {
        guard dollarEndsMatch() else { return nil }
        let start0 = intern(closure([nfa.entry], atStart: true, known: 0, truth: 0))
        let startMid = intern(closure([nfa.entry], atStart: false, known: 0, truth: 0))
        let classes = alphabet.signatures.count
        var trans: [Int32] = [], tests: [Int32] = [], onTrue: [Int32] = [], onFalse: [Int32] = []
        var flags: [Int32] = []
        var i = 0
        while i < keys.count {
            guard keys.count <= stateLimit, keys.count * classes <= DFABuilder.transitionLimit,
                  work <= DFABuilder.workLimit else { return nil }
            let key = keys[i]
            i += 1
            if let waiting = key.states.first(where: { nfa.kinds[Int($0)] == .look }) {
                let look = nfa.args[Int(waiting)]
                guard look >= 0, look < 64 else { return nil }
                let bit = UInt64(1) << UInt64(look)
                let nfa = self.nfa
                let isLook = { (s: Int32) in nfa.kinds[Int(s)] == .look && nfa.args[Int(s)] == look }
                let rest = key.states.filter { !isLook($0) }
                let passed = key.states.filter(isLook).map { nfa.nexts[Int($0)] }
                tests.append(look)
                onTrue.append(intern(closure(passed, atStart: key.atStart, known: key.known | bit,
                                             truth: key.truth | bit, adding: rest)))
                onFalse.append(intern(Key(states: rest, atStart: key.atStart, known: key.known | bit, truth: key.truth)))
                flags.append(DFA.test)
                trans += repeatElement(-1, count: classes)
                continue
            }
            tests.append(-1)
            onTrue.append(-1)
            onFalse.append(-1)
            let now = key.states.contains { nfa.kinds[Int($0)] == .match }
            let dollars = key.states.filter { nfa.kinds[Int($0)] == .end }.map { nfa.nexts[Int($0)] }
            let afterDollar = closure(dollars, atStart: key.atStart, known: key.known, truth: key.truth, dollar: true)
            let end = now || afterDollar.states.contains { nfa.kinds[Int($0)] == .match }
            flags.append((now ? DFA.acceptNow : 0) | (end ? DFA.acceptEnd : 0))
            // Classes that move the same atom states go to the same state: one closure each. The
            // atom states a class moves are named by a mask of their places in the set (by the
            // list of their successors past 64 of them).
            let atomStates = key.states.filter { nfa.kinds[Int($0)] == .atom }
            var seen: [(mask: UInt64, roots: [Int32], target: Int32)] = []
            for sig in alphabet.signatures {
                var mask: UInt64 = 0
                for (place, s) in atomStates.enumerated() where place < 64 && moves(s, sig) { mask |= 1 << UInt64(place) }
                let roots = atomStates.count <= 64 ? [] : atomStates.filter { moves($0, sig) }.map { nfa.nexts[Int($0)] }
                work += atomStates.count
                if let known = seen.first(where: { $0.mask == mask && $0.roots == roots }) {
                    trans.append(known.target)
                    continue
                }
                var target: Int32 = -1
                if mask != 0 || !roots.isEmpty {
                    let successors = atomStates.count <= 64 ? atomStates.filter { moves($0, sig) }.map { nfa.nexts[Int($0)] } : roots
                    target = intern(closure(successors, atStart: false, known: 0, truth: 0))
                }
                seen.append((mask, roots, target))
                trans.append(target)
            }
        }
        guard keys.count <= stateLimit, keys.count * classes <= DFABuilder.transitionLimit else { return nil }
        return DFA(ascii: alphabet.ascii, classCount: classes, trans: trans, flags: flags, tests: tests, onTrue: onTrue,
                   onFalse: onFalse, start0: start0, startMid: startMid)
    }

    /// Whether atom state `s` consumes the scalars of the class with signature `sig`.
    func moves(_ s: Int32, _ sig: UInt64) -> Bool {
        let atom = nfa.args[Int(s)]
        return atom >= 0 && atom < 64 && (sig >> UInt64(atom)) & 1 == 1
    }

    /// The state for `key`, added to the worklist when new; -1 for the empty set (no match).
    mutating func intern(_ key: Key) -> Int32 {
        if key.states.isEmpty { return -1 }
        if let known = index[key] { return known }
        keys.append(key)
        index[key] = Int32(keys.count - 1)
        return Int32(keys.count - 1)
    }

    /// The closure of `roots` (plus the states `extra`) with `^` holding when `atStart`, the
    /// lookarounds in `known` decided as `truth` says, and `$` passed only when `dollar`.
    mutating func closure(_ roots: [Int32], atStart: Bool, known: UInt64, truth: UInt64, adding extra: [Int32] = [],
                          dollar: Bool = false) -> Key {
        var out = extra
        for root in roots {
            nfa.close(root, into: &out, &scratch) { kind, arg in
                switch kind {
                case .start: return atStart
                case .end: return dollar ? true : nil
                default:
                    guard arg >= 0, arg < 64 else { return nil }
                    let bit = UInt64(1) << UInt64(arg)
                    return known & bit == 0 ? nil : truth & bit != 0
                }
            }
        }
        scratch.reset()
        out.sort()
        var kept = 0
        for s in out where kept == 0 || out[kept - 1] != s {
            out[kept] = s
            kept += 1
        }
        out.removeLast(out.count - kept)
        work += kept + roots.count
        return Key(states: out, atStart: atStart, known: known, truth: truth)
    }

    /// Whether every `$` of the NFA is followed by nothing but the match state (through more `$`s
    /// and splits): then `$` matters only where a match ends, which is all `acceptEnd` models.
    /// (Every model pattern qualifies; one that does not is matched by NFA simulation.)
    mutating func dollarEndsMatch() -> Bool {
        for s in 0..<nfa.count where nfa.kinds[s] == .end {
            var out: [Int32] = []
            nfa.close(nfa.nexts[s], into: &out, &scratch) { kind, _ in kind == .end ? true : nil }
            scratch.reset()
            if out.contains(where: { nfa.kinds[Int($0)] != .match }) { return false }
        }
        return true
    }
}

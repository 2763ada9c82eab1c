/// The key of one account's resources in one region.
struct RegionKey: Sendable {
    let text: String
    init(account: String, region: String) { text = account + "/" + region }
}

/// All mutable state of a world; only ever touched under the world's lock.
struct WorldState: ~Copyable {
    var ids: IDGenerator
    /// The world's clock (virtual or real).
    var clock: WorldClock
    /// The clock's time now, epoch milliseconds; setting it moves the clock there.
    var nowMilliseconds: Int64 {
        get { clock.now }
        set { clock.now = newValue }
    }
    var pageTokens: PageTokens
    /// Faults armed by apsim:InjectFault, and how many were ever armed (for their IDs).
    var faults: [Fault] = []
    var faultsInjected = 0
    /// The seeded stream that decides probabilistic faults.
    var faultRandom: SeededGenerator
    /// The sequence number of the last change written to the state file's journal.
    var journalSeq: UInt64 = 0
    /// What opening the state file had to tell (`World.notices`; not part of the state).
    var stateFileNotices: [String] = []
    /// The authorization step of every AWS operation (see `Authorizer`); nil allows every call.
    /// Set by the IAM evaluator (and by tests); not part of snapshots.
    var authorizer: Authorizer? = nil
    private var nextSequence: UInt64 = 1
    private var regions: [String: RegionState] = [:]

    /// The world-wide state of each component (see `WorldComponent`), made on first use.
    private var sharedStates: [ObjectIdentifier: AnyObject] = [:]

    /// A new world of `config`; `opening: false` leaves out what the components set up from the
    /// config (a restored state brings its own networks).
    init(config: WorldConfig, opening: Bool = true) {
        let seed = config.seed ?? IDGenerator.randomSeed()
        var ids = IDGenerator(seed: seed)
        pageTokens = PageTokens(secret: ids.nextResourceRandom())
        self.ids = ids
        faultRandom = SeededGenerator(seed: seed ^ 0x5DEE_CE66_D1CE_4E5B)
        clock = WorldClock(real: config.clock == .real, at: config.startTimeMilliseconds ?? WallClock.nowMilliseconds())
        for component in WorldComponents.all where opening { component.open(&self, config: config) }
    }

    /// The world-wide state of type `State` (a component's), made empty on first use.
    mutating func shared<State: SharedState>(_ type: State.Type) -> State {
        let key = ObjectIdentifier(type)
        if let found = sharedStates[key] as? State { return found }
        let made = State()
        sharedStates[key] = made
        return made
    }

    /// The world-wide state of type `State`, if any was made (for reads).
    func sharedIfPresent<State: SharedState>(_ type: State.Type) -> State? {
        sharedStates[ObjectIdentifier(type)] as? State
    }

    var nextSequenceValue: UInt64 { nextSequence }
    /// Where the creation sequence continues (a restored state).
    mutating func setNextSequence(_ value: UInt64) { nextSequence = max(1, value) }
    var regionKeys: [String] { Array(regions.keys) }
    func regionState(_ key: String) -> RegionState? { regions[key] }

    /// The creation sequence number of a new resource (world-wide, increasing).
    mutating func sequence() -> UInt64 {
        defer { nextSequence += 1 }
        return nextSequence
    }

    /// The state of one account in one region, created on first use.
    mutating func region(_ ctx: CallContext) -> RegionState { region(ctx.regionKey) }

    mutating func region(_ regionKey: RegionKey) -> RegionState {
        let key = regionKey.text
        if let r = regions[key] { return r }
        let r = RegionState()
        regions[key] = r
        return r
    }
}

/// The resources of one account in one region: one state per service, made on first use.
/// Accounts and regions never see each other's.
final class RegionState {
    private var states: [ObjectIdentifier: AnyObject] = [:]

    /// The state of type `State` (each service has its own), made empty on first use.
    func state<State: ServiceState>(_ type: State.Type) -> State {
        let key = ObjectIdentifier(type)
        if let found = states[key] as? State { return found }
        let made = State()
        states[key] = made
        return made
    }
}

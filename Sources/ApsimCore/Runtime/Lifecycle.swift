/// The lifecycle state of a resource and when it settles.
///
/// A new resource starts in its transitional state (`creating`, `CREATING`) and settles to its
/// steady state (`available`, `AVAILABLE`, `CREATED`) according to the world's lifecycle config:
/// `on_read`, on the first observation after the create response; `instant`, before the create
/// response; `manual`, on the first observation once the virtual clock has reached the creation
/// time plus `creation_delay_ms`. A state forced later (apsim:SetLifecycleState) never settles by
/// itself.
struct LifecycleState: Sendable, Equatable {
    private(set) var current: String
    /// The state to settle into, while the resource is still transitional.
    private(set) var settlesTo: String?
    /// Manual lifecycle: the clock time (ms) from which it settles.
    private(set) var settleAt: Int64?

    init(transitional: String, settled: String, config: WorldConfig, now: Int64) {
        switch config.lifecycle {
        case .onRead:
            current = transitional
            settlesTo = settled
        case .instant:
            current = settled
        case .manual:
            current = transitional
            settlesTo = settled
            settleAt = now &+ config.creationDelayMilliseconds
        }
    }

    /// A state restored from a snapshot.
    init(current: String, settlesTo: String?, settleAt: Int64?) {
        self.current = current
        self.settlesTo = settlesTo
        self.settleAt = settleAt
    }

    /// The state as an observer after the create response sees it (settling it if due).
    mutating func observe(now: Int64) -> String {
        if let s = settlesTo, settleAt.map({ now >= $0 }) ?? true {
            StateChanges.note()  // a read that settles changes the world: journaled (StateChanges)
            current = s
            settlesTo = nil
            settleAt = nil
        }
        return current
    }

    /// Forces a state; it stays until forced again.
    mutating func force(_ state: String) {
        current = state
        settlesTo = nil
        settleAt = nil
    }

    /// As a snapshot stores it (and `DocumentReader.lifecycle` reads it back).
    var json: JSON {
        var o = JSONObject()
        o.append("Current", .string(current))
        o.append("SettlesTo", ifPresent: settlesTo.map { .string($0) })
        o.append("SettleAt", ifPresent: settleAt.map { .int($0) })
        return .object(o)
    }
}

/// A resource with a lifecycle state (generic code settles or forces it).
protocol LifecycleHolder: AnyObject, SendableMetatype {
    var lifecycle: LifecycleState { get set }
}

extension CallContext {
    /// A lifecycle that is `transitional` from the call's time on and settles to `settled` as the
    /// world's lifecycle mode says.
    func lifecycle(_ transitional: String, settlingTo settled: String) -> LifecycleState {
        LifecycleState(transitional: transitional, settled: settled, config: config, now: now)
    }
}

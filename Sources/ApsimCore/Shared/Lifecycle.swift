/// The lifecycle state of a resource and when it settles.
///
/// A new resource starts in its transitional state (`creating`, `CREATING`) and settles to its
/// steady state (`available`, `AVAILABLE`, `CREATED`) according to the world's lifecycle config:
/// with `on_read`, on the first observation after the create response; with `instant`, before the
/// create response. A state forced later (by a control operation) never settles by itself.
public struct LifecycleState: Sendable, Equatable {
    public private(set) var current: String
    /// The state to settle into, while the resource is still transitional.
    private var settlesTo: String?

    public init(transitional: String, settled: String, config: WorldConfig) {
        switch config.lifecycle {
        case .onRead:
            current = transitional
            settlesTo = settled
        case .instant:
            current = settled
            settlesTo = nil
        }
    }

    /// The state as an observer after the create response sees it (settling it if due).
    public mutating func observe() -> String {
        if let s = settlesTo {
            current = s
            settlesTo = nil
        }
        return current
    }

    /// Forces a state; it stays until forced again.
    public mutating func force(_ state: String) {
        current = state
        settlesTo = nil
    }
}

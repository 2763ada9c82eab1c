/// A world's clock, epoch milliseconds. Virtual (the default in process), it moves only when told
/// (apsim:AdvanceClock), so a run is reproducible byte for byte. Real (the default of `apsim
/// serve`), it also advances with the monotonic clock from wherever it was last set, so clients
/// that wait in real time (SDK retries with backoff, waiters that poll) see time pass.
struct WorldClock {
    let isReal: Bool
    /// The clock's value when it was last set...
    private var base: Int64
    /// ...and the monotonic time then (real clocks only).
    private var anchor: Int64

    init(real: Bool, at milliseconds: Int64) {
        isReal = real
        base = milliseconds
        anchor = real ? WallClock.monotonicMilliseconds() : 0
    }

    var now: Int64 {
        get { isReal ? base &+ (WallClock.monotonicMilliseconds() &- anchor) : base }
        set { self = WorldClock(real: isReal, at: newValue) }
    }
}

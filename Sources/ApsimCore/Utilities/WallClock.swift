#if canImport(Glibc)
import Glibc
#endif

/// The system's clocks: the wall clock (read when a world opens without a start_time) and the
/// monotonic clock (which moves a world's clock in "real" mode).
enum WallClock {
    static func nowMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) &* 1000 &+ Int64(ts.tv_nsec / 1_000_000)
    }

    /// Monotonic milliseconds since an arbitrary point: never jumps, never goes back.
    static func monotonicMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) &* 1000 &+ Int64(ts.tv_nsec / 1_000_000)
    }
}

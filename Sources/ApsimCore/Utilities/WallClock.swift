#if canImport(Glibc)
import Glibc
#endif

/// The wall clock, read once when a world opens (the world's clock is virtual afterwards).
enum WallClock {
    static func nowMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) &* 1000 &+ Int64(ts.tv_nsec / 1_000_000)
    }
}

#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A world's state behind a pthread mutex.
///
/// (Not `Synchronization.Mutex`: that one synchronizes with futexes inside the uninstrumented
/// standard library, which ThreadSanitizer cannot see; it then reports every access under the
/// lock as a race. A pthread mutex costs the same uncontended and is understood by TSan.) A call
/// holds the lock for a few microseconds, so a waiter retries with `trylock` for about that long
/// before it sleeps in the mutex (glibc's adaptive kind, which spins a little more): a sleeping
/// waiter costs a cross-CPU wake-up, and with a plain mutex two busy threads slept on almost every
/// collision (see BENCHMARKS.md, "2 threads vs 1").
final class Locked: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: WorldState

    init(_ value: consuming WorldState) {
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        // PTHREAD_MUTEX_ADAPTIVE_NP (glibc; the constant is behind _GNU_SOURCE in pthread.h).
        pthread_mutexattr_settype(&attributes, 3)
        pthread_mutex_init(mutex, &attributes)
        pthread_mutexattr_destroy(&attributes)
        self.value = value
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    func withLock<R>(_ body: (inout WorldState) -> R) -> R {
        lock()
        defer { pthread_mutex_unlock(mutex) }
        return body(&value)
    }

    /// How many times a waiter retries before it sleeps in the mutex, with a short pause between
    /// tries: together about as long as a call holds the lock (a few microseconds), so a waiter
    /// almost never sleeps, because a sleeping waiter costs a cross-CPU wake-up and the CPU time of
    /// two system calls, more than the call it waits for (see BENCHMARKS.md, "2 threads vs 1").
    static let spinTries = 512

    private func lock() {
        if pthread_mutex_trylock(mutex) == 0 { return }
        for _ in 0..<Locked.spinTries {
            Locked.pause()
            if pthread_mutex_trylock(mutex) == 0 { return }
        }
        pthread_mutex_lock(mutex)
    }

    /// A short busy wait (some tens of nanoseconds): atomic loads, which the optimizer keeps.
    private static func pause() {
        for _ in 0..<32 { _ = spinTicks.load(ordering: .relaxed) }
    }
}

private let spinTicks = Atomic<Int>(0)

#if canImport(Glibc)
import Glibc
#endif

/// A world's state behind a pthread mutex.
///
/// (Not `Synchronization.Mutex`: that one synchronizes with futexes inside the uninstrumented
/// standard library, which ThreadSanitizer cannot see; it then reports every access under the
/// lock as a race. A pthread mutex costs the same uncontended and is understood by TSan.) The
/// mutex is glibc's adaptive kind: a waiter spins briefly before it sleeps, since a call holds
/// the lock for microseconds (a plain mutex put two busy threads to sleep on every collision:
/// see BENCHMARKS.md, "2 threads vs 1").
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
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body(&value)
    }
}

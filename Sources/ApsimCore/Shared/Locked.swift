#if canImport(Glibc)
import Glibc
#endif

/// A world's state behind a pthread mutex.
///
/// (Not `Synchronization.Mutex`: that one synchronizes with futexes inside the uninstrumented
/// standard library, which ThreadSanitizer cannot see; it then reports every access under the
/// lock as a race. A pthread mutex costs the same uncontended and is understood by TSan.)
final class Locked: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: WorldState

    init(_ value: consuming WorldState) {
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
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

/// Counts the changes a call makes that its kind does not announce: a read that settles a
/// lifecycle which is due (a creating file system becomes available, a deleting mount target
/// goes away) changes the world as much as a write does, and the state file must journal it, or
/// a restart would bring back what a client already saw gone.
///
/// `World.call` binds a counter for the calls whose kind does not write (reads, reading
/// controls and data-plane reads); code that changes state outside a write notes it here (today
/// `LifecycleState.observe`, where every settling happens). Unbound, noting costs a task-local
/// read and does nothing.
final class StateChanges: @unchecked Sendable {
    /// The counter of the call running on this thread (set only under the world's lock).
    @TaskLocal static var current: StateChanges?

    /// How many changes the call made.
    private(set) var count = 0

    /// Records that the running call changed state.
    static func note() {
        current?.count += 1
    }

    /// Runs `body` with a fresh counter bound; returns its result and whether it changed state.
    static func tracking<T>(_ body: () -> T) -> (T, changed: Bool) {
        let changes = StateChanges()
        let result = $current.withValue(changes) { body() }
        return (result, changes.count > 0)
    }
}

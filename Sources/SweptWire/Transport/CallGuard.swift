import Foundation
import Synchronization

/// Orders a socket's close after every context call that is starting an operation.
///
/// nng 1.5.2 was seen to abort the process (`pthread_mutex_lock: Invalid argument` inside `nng_ctx_send`) when a
/// context started a send while another thread closed its socket. Every `nng_ctx_send` / `nng_ctx_recv` runs
/// inside `perform`; `close` marks the guard closed and waits until no call is inside, so `nng_close` never runs
/// concurrently with one, and calls after it are refused without touching nng.
final class CallGuard: Sendable {
    private let inside = Atomic<Int>(0)
    private let closed = Atomic<Bool>(false)

    /// Runs `body` unless the socket is closing; returns whether it ran. Never blocks.
    func perform(_ body: () -> Void) -> Bool {
        inside.add(1, ordering: .sequentiallyConsistent)
        defer { inside.subtract(1, ordering: .sequentiallyConsistent) }
        if closed.load(ordering: .sequentiallyConsistent) { return false }
        body()
        return true
    }

    /// Whether `close` has been called.
    var isClosed: Bool { closed.load(ordering: .sequentiallyConsistent) }

    /// Refuses later calls and waits until the calls already inside have returned (they only start an
    /// operation, so this takes microseconds).
    func close() {
        closed.store(true, ordering: .sequentiallyConsistent)
        while inside.load(ordering: .sequentiallyConsistent) > 0 { usleep(50) }
    }
}

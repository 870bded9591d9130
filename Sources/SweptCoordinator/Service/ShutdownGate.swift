import Synchronization

/// Lets a coordinator stop without closing its socket under a reply in flight.
///
/// nng 1.5.2 can abort the process when a context sends while its socket is being closed. So `shutdown` first
/// stops admitting requests (they wait here, unanswered), waits for the requests already admitted to finish,
/// gives their replies a moment to leave, and only then closes the socket; the held requests are released after
/// the close, when a send fails cleanly instead.
final class ShutdownGate: Sendable {
    private struct State {
        var stopping = false
        var closed = false
        var inFlight = 0
        var held: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())

    /// Admits a request (`true`), or returns `false` once stopping — after the socket has closed.
    func enter() async -> Bool {
        await withCheckedContinuation { continuation in
            enter { admitted in continuation.resume(returning: admitted) }
        }
    }

    /// Calls `admission(true)` at once when the request is admitted; once stopping, holds the request and calls
    /// `admission(false)` after the socket has closed (when its reply can no longer race the close).
    func enter(_ admission: @escaping @Sendable (Bool) -> Void) {
        let admitted = state.withLock { s -> Bool? in
            if !s.stopping {
                s.inFlight += 1
                return true
            }
            if s.closed { return false }
            s.held.append { admission(false) }
            return nil
        }
        if let admitted { admission(admitted) }
    }

    /// Ends an admitted request.
    func leave() {
        state.withLock { $0.inFlight -= 1 }
    }

    /// Stops admitting; returns `false` when already stopping.
    func stop() -> Bool {
        state.withLock { s -> Bool in
            defer { s.stopping = true }
            return !s.stopping
        }
    }

    /// Waits until no admitted request is running, at most `timeout`.
    func drain(timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while state.withLock({ $0.inFlight > 0 }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Marks the socket closed and releases the held requests.
    func closed() {
        let held = state.withLock { s -> [@Sendable () -> Void] in
            s.closed = true
            defer { s.held.removeAll() }
            return s.held
        }
        for release in held { release() }
    }
}

import CNNG
import Synchronization

/// The state an aio callback touches. It never owns the aio, so the callback holding it cannot free the aio
/// from inside itself (the deadlock described in the platform notes).
final class AIOCompletion: @unchecked Sendable {
    struct State {
        var continuation: CheckedContinuation<Int32, Never>?
        var started = false
        var cancelled = false
    }

    let state = Mutex(State())
    /// Set once, right after `nng_aio_alloc`, before any operation starts.
    nonisolated(unsafe) var aio: OpaquePointer?

    /// Called on nng's thread when the operation ends.
    func complete() {
        guard let aio else { return }
        let result = nng_aio_result(aio)
        let continuation = state.withLock { state -> CheckedContinuation<Int32, Never>? in
            let continuation = state.continuation
            state.continuation = nil
            state.started = false
            return continuation
        }
        continuation?.resume(returning: result)
    }
}

/// One nng aio bridged to async/await: one operation at a time, cancellation through `nng_aio_cancel`.
///
/// The owner (this object) stops and frees the aio in `deinit`; the callback only reaches the separate
/// `AIOCompletion`, so it can never hold the last reference to the aio's owner.
final class AsyncOperation: @unchecked Sendable {
    let aio: OpaquePointer
    let completion: AIOCompletion

    init() throws(TransportError) {
        let completion = AIOCompletion()
        var raw: OpaquePointer?
        let context = Unmanaged.passUnretained(completion).toOpaque()
        try check(
            nng_aio_alloc(
                &raw,
                { argument in
                    guard let argument else { return }
                    Unmanaged<AIOCompletion>.fromOpaque(argument).takeUnretainedValue().complete()
                }, context),
            "allocate an aio"
        )
        guard let raw else { throw TransportError(code: Int32(NNG_ENOMEM.rawValue), operation: "allocate an aio") }
        completion.aio = raw
        self.aio = raw
        self.completion = completion
    }

    deinit {
        nng_aio_stop(aio)
        if let leftover = nng_aio_get_msg(aio) { nng_msg_free(leftover) }
        nng_aio_free(aio)
    }

    /// Starts an operation with `start` and waits for its result code; task cancellation cancels it. `start`
    /// returns `false` when it did not start anything (the socket is closing): the result is then `NNG_ECLOSED`.
    func run(timeout: Duration?, _ start: (OpaquePointer) -> Bool) async -> Int32 {
        nng_aio_set_timeout(aio, timeout.map(\.nngMilliseconds) ?? Int32(NNG_DURATION_INFINITE))
        let aio = self.aio
        let completion = self.completion
        // One operation at a time: a cancellation mark from an earlier task does not carry over.
        completion.state.withLock { $0.cancelled = false }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
                let proceed = completion.state.withLock { state -> Bool in
                    if state.cancelled { return false }
                    state.continuation = continuation
                    state.started = true
                    return true
                }
                guard proceed else {
                    continuation.resume(returning: Int32(NNG_ECANCELED.rawValue))
                    return
                }
                guard start(aio) else {
                    // Not started (the socket is closing): no callback will come, so answer here.
                    let pending = completion.state.withLock { state -> CheckedContinuation<Int32, Never>? in
                        defer {
                            state.continuation = nil
                            state.started = false
                        }
                        return state.continuation
                    }
                    pending?.resume(returning: Int32(NNG_ECLOSED.rawValue))
                    return
                }
                // A cancellation that arrived between marking `started` and starting is applied now.
                if completion.state.withLock({ $0.cancelled && $0.started }) { nng_aio_cancel(aio) }
            }
        } onCancel: {
            let started = completion.state.withLock { state -> Bool in
                state.cancelled = true
                return state.started
            }
            if started { nng_aio_cancel(self.aio) }
        }
    }

    /// Takes the message an operation left in the aio, if any.
    func takeMessage() -> OpaquePointer? {
        guard let message = nng_aio_get_msg(aio) else { return nil }
        nng_aio_set_msg(aio, nil)
        return message
    }
}

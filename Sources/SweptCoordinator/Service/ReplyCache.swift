import SweptWire
import Synchronization

/// A reply that one task computes and any number of duplicate requests wait for.
final class ReplyPromise: Sendable {
    private struct State {
        var reply: ReplyBody?
        var waiters: [@Sendable (ReplyBody) -> Void] = []
    }

    private let state = Mutex(State())

    /// Sets the reply and wakes every waiter (once; later calls are ignored).
    func fulfill(_ reply: ReplyBody) {
        let waiters = state.withLock { s -> [@Sendable (ReplyBody) -> Void] in
            guard s.reply == nil else { return [] }
            s.reply = reply
            defer { s.waiters.removeAll() }
            return s.waiters
        }
        for waiter in waiters { waiter(reply) }
    }

    /// Calls `waiter` with the reply once it is set (at once, on this thread, when it already is).
    func whenReady(_ waiter: @escaping @Sendable (ReplyBody) -> Void) {
        let ready = state.withLock { s -> ReplyBody? in
            if let reply = s.reply { return reply }
            s.waiters.append(waiter)
            return nil
        }
        if let ready { waiter(ready) }
    }

    /// The reply, once set.
    func value() async -> ReplyBody {
        await withCheckedContinuation { continuation in
            whenReady { continuation.resume(returning: $0) }
        }
    }
}

/// The last replies per sender, so that a duplicate request (REQ resends on reconnect, workers retry with the
/// same id) gets the original reply instead of acting twice — including while the original is still in flight.
final class ReplyCache: Sendable {
    /// What to do with a request.
    enum Lookup {
        /// First time seen: compute the reply and fulfill the promise.
        case execute(ReplyPromise)
        /// A duplicate: await this promise and send its reply.
        case duplicate(ReplyPromise)
    }

    /// One sender's replies; a class so that updating it in the dictionary copies nothing.
    private final class SenderCache {
        var incarnation: UInt64
        var entries: [UInt64: ReplyPromise] = [:]
        var order: [UInt64] = []
        var head = 0

        init(incarnation: UInt64) {
            self.incarnation = incarnation
        }
    }

    private let limit: Int
    private let senders = Mutex<[String: SenderCache]>([:])  // SenderCache is only touched under this lock

    /// Creates a cache remembering `limit` replies per sender.
    init(limit: Int) {
        self.limit = limit
    }

    /// Looks a request up, registering it when new.
    func lookup(_ header: WireHeader) -> Lookup {
        senders.withLock { senders in
            if senders[header.senderID] == nil, senders.count >= 8192, let victim = senders.keys.first {
                senders[victim] = nil
            }
            let cache: SenderCache
            if let existing = senders[header.senderID], existing.incarnation == header.incarnation {
                cache = existing
            } else {
                cache = SenderCache(incarnation: header.incarnation)
                senders[header.senderID] = cache
            }
            if let promise = cache.entries[header.requestID] {
                return .duplicate(promise)
            }
            let promise = ReplyPromise()
            cache.entries[header.requestID] = promise
            cache.order.append(header.requestID)
            if cache.order.count - cache.head > limit {
                cache.entries[cache.order[cache.head]] = nil
                cache.head += 1
                if cache.head > limit {
                    cache.order.removeFirst(cache.head)
                    cache.head = 0
                }
            }
            return .execute(promise)
        }
    }

    /// Drops the reply of one request, so that a retry under the same id is decided again (for replies that
    /// say "not now", such as `unavailable` and `notRegistered`).
    func forget(_ header: WireHeader) {
        senders.withLock { senders in
            guard let cache = senders[header.senderID], cache.incarnation == header.incarnation else { return }
            cache.entries[header.requestID] = nil
        }
    }

    /// Senders with cached replies (for tests and status).
    var senderCount: Int { senders.withLock { $0.count } }
}

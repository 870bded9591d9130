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
///
/// Each sender incarnation keeps a direct-mapped table of `limit` slots indexed by request id modulo `limit`,
/// covering the ids in `(highest − limit, highest]`: a sender numbers its requests from one counter, so these are
/// at least its last `limit` requests. A request costs one hash of the sender id and one slot, where a dictionary
/// of ids cost three hashed probes scattered over its table (measured: `docs/cluster.md`, session 9).
final class ReplyCache: Sendable {
    /// What to do with a request.
    enum Lookup {
        /// First time seen: compute the reply and fulfill the promise.
        case execute(ReplyPromise)
        /// A duplicate: await this promise and send its reply.
        case duplicate(ReplyPromise)
    }

    private struct Slot {
        var requestID: UInt64 = 0
        var promise: ReplyPromise?
    }

    /// One sender incarnation's replies; a class so that updating it in the dictionary copies nothing.
    private final class SenderCache {
        let incarnation: UInt64
        /// The highest request id seen (0 before the first).
        var highest: UInt64 = 0
        /// Grown by doubling up to the cache's limit, so a sender that sent few requests holds little.
        var slots: [Slot]

        init(incarnation: UInt64, capacity: Int) {
            self.incarnation = incarnation
            slots = Array(repeating: Slot(), count: capacity)
        }

        /// The slot of `requestID` in a table of `slots.count` (a power of two) slots.
        func index(of requestID: UInt64) -> Int {
            Int(truncatingIfNeeded: requestID & UInt64(slots.count - 1))
        }

        /// Doubles the table (up to `limit`) while `requestID` would evict an id the cache must still remember.
        func makeRoom(for requestID: UInt64, limit: Int) {
            while slots.count < limit {
                let occupant = slots[index(of: requestID)]
                guard occupant.promise != nil, occupant.requestID != requestID,
                      occupant.requestID &+ UInt64(limit) > max(highest, requestID) else { return }
                var grown = Array(repeating: Slot(), count: slots.count * 2)
                for slot in slots where slot.promise != nil {
                    grown[Int(truncatingIfNeeded: slot.requestID & UInt64(grown.count - 1))] = slot
                }
                slots = grown
            }
        }
    }

    private let limit: Int
    private let senders = Mutex<[String: SenderCache]>([:])  // SenderCache is only touched under this lock

    /// Creates a cache remembering the replies to each sender's last `limit` request ids (rounded up to a power
    /// of two).
    init(limit: Int) {
        var size = 16
        while size < limit { size *= 2 }
        self.limit = size
    }

    /// Looks a request up, registering it when new.
    func lookup(_ header: WireHeader) -> Lookup {
        senders.withLock { senders in
            let cache: SenderCache
            if let existing = senders[header.senderID], existing.incarnation == header.incarnation {
                cache = existing
            } else {
                if senders[header.senderID] == nil, senders.count >= 8192, let victim = senders.keys.first {
                    senders[victim] = nil
                }
                cache = SenderCache(incarnation: header.incarnation, capacity: 16)
                senders[header.senderID] = cache
            }
            let id = header.requestID
            if id <= cache.highest, cache.highest - id < UInt64(limit) {
                let slot = cache.slots[cache.index(of: id)]
                if slot.requestID == id, let promise = slot.promise { return .duplicate(promise) }
            }
            cache.makeRoom(for: id, limit: limit)
            let promise = ReplyPromise()
            cache.slots[cache.index(of: id)] = Slot(requestID: id, promise: promise)
            cache.highest = max(cache.highest, id)
            return .execute(promise)
        }
    }

    /// Drops the reply of one request, so that a retry under the same id is decided again (for replies that
    /// say "not now", such as `unavailable` and `notRegistered`).
    func forget(_ header: WireHeader) {
        senders.withLock { senders in
            guard let cache = senders[header.senderID], cache.incarnation == header.incarnation else { return }
            let index = cache.index(of: header.requestID)
            if cache.slots[index].requestID == header.requestID { cache.slots[index].promise = nil }
        }
    }

    /// Senders with cached replies (for tests and status).
    var senderCount: Int { senders.withLock { $0.count } }
}

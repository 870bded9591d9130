@testable import SweptCoordinator
import SweptWire
import Testing

@Suite("Reply cache")
struct ReplyCacheTests {
    private func header(_ id: UInt64, sender: String = "w1", incarnation: UInt64 = 1) -> WireHeader {
        WireHeader(senderID: sender, incarnation: incarnation, requestID: id)
    }

    private func isDuplicate(_ lookup: ReplyCache.Lookup) -> Bool {
        if case .duplicate = lookup { return true }
        return false
    }

    @Test("every id of the last `limit` is remembered, in any arrival order, and older ones are not")
    func windowOfIDs() {
        let cache = ReplyCache(limit: 64)
        // Out of order, with gaps, as from a worker whose slots share one counter and whose heartbeats skip ids.
        var ids: [UInt64] = []
        for base in stride(from: UInt64(1), through: 400, by: 4) { ids += [base + 2, base, base + 3] }
        for id in ids { #expect(!isDuplicate(cache.lookup(header(id)))) }
        let highest = ids.max() ?? 0
        for id in ids where highest - id < 64 {
            #expect(isDuplicate(cache.lookup(header(id))), "id \(id) should be remembered")
        }
        // A skipped id inside the window is new, and then remembered.
        let skipped = highest - 2
        #expect(!ids.contains(skipped))
        #expect(!isDuplicate(cache.lookup(header(skipped))))
        #expect(isDuplicate(cache.lookup(header(skipped))))
        // Ids older than the window are decided again.
        #expect(!isDuplicate(cache.lookup(header(1))))
    }

    @Test("a duplicate shares the original's promise; forget and a new incarnation start over")
    func promisesAndIncarnations() async {
        let cache = ReplyCache(limit: 16)
        guard case .execute(let original) = cache.lookup(header(7)) else {
            Issue.record("first lookup should execute")
            return
        }
        guard case .duplicate(let again) = cache.lookup(header(7)) else {
            Issue.record("second lookup should be a duplicate")
            return
        }
        #expect(original === again)
        original.fulfill(.error(ErrorReply(code: .internal, message: "x")))
        #expect(await again.value() == .error(ErrorReply(code: .internal, message: "x")))
        #expect(!isDuplicate(cache.lookup(header(7, sender: "w2"))))
        #expect(!isDuplicate(cache.lookup(header(7, incarnation: 2))))
        cache.forget(header(7, incarnation: 2))
        #expect(!isDuplicate(cache.lookup(header(7, incarnation: 2))))
        #expect(cache.senderCount == 2)
    }
}

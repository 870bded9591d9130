import Foundation
import SweptWire
import Synchronization
import Testing

/// `WireServer.serve`: contexts driven by aio callbacks, replies given later from any thread, and closing the
/// socket while replies are leaving.
@Suite("Callback-driven server")
struct CallbackServerTests {
    /// Replies from a detached thread after `delayMicros` (0: at once, on the calling nng thread).
    static func startServer(delayMicros: UInt32 = 0) throws -> (WireServer, Int, Task<Void, any Error>) {
        let server = try WireServer(codec: testCodec, identity: WireIdentity(senderID: "coordinator", incarnation: 3))
        let port = try server.listen("tcp://127.0.0.1:0").boundPort
        let task = Task {
            try await server.serve(contexts: 4) { request, reply in
                let body: ReplyBody
                switch request.body {
                case .reportIntermediate(let report):
                    body = .verdict(TrialVerdict(trialID: report.trialID, decision: .prune))
                default:
                    body = .acknowledged
                }
                if delayMicros == 0 {
                    reply(body)
                } else {
                    Thread.detachNewThread {
                        usleep(delayMicros)
                        reply(body)
                    }
                }
            }
        }
        return (server, port, task)
    }

    @Test("replies given at once or later from another thread reach the client with the server's identity",
          arguments: [UInt32(0), 2_000])
    func replies(delayMicros: UInt32) async throws {
        let (server, port, serving) = try Self.startServer(delayMicros: delayMicros)
        let client = try WireClient(url: "tcp://127.0.0.1:\(port)", codec: testCodec,
                                    identity: WireIdentity(senderID: "w1"))
        let reply = try await client.exchange(
            .reportIntermediate(IntermediateReport(trialID: 9, leaseEpoch: 1, step: 2, value: 1.5)), requestID: 41)
        #expect(reply.body == .verdict(TrialVerdict(trialID: 9, decision: .prune)))
        #expect(reply.header.requestID == 41)
        #expect(reply.header.senderID == "coordinator")
        #expect(reply.header.incarnation == 3)
        // Concurrent calls on one client are pipelined over several contexts.
        let replies = try await withThrowingTaskGroup(of: ReplyBody.self) { group in
            for _ in 0..<16 { group.addTask { try await client.call(.heartbeat(Heartbeat(leases: []))) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(replies.count == 16 && replies.allSatisfy { $0 == .acknowledged })
        client.close()
        server.close()
        try await serving.value  // serve returns once the socket is closed
    }

    @Test("a message that fails to decode gets an error reply and never reaches the responder")
    func badMessage() async throws {
        let reached = Atomic<Int>(0)
        let server = try WireServer(codec: testCodec, identity: WireIdentity(senderID: "coordinator"))
        let port = try server.listen("tcp://127.0.0.1:0").boundPort
        let serving = Task {
            try await server.serve(contexts: 2) { _, reply in
                reached.add(1, ordering: .relaxed)
                reply(.acknowledged)
            }
        }
        let socket = try WireSocket(.request)
        try socket.dial("tcp://127.0.0.1:\(port)")
        let context = try socket.makeContext()
        let answer = try await context.request(Array("not a swept message at all, just text".utf8),
                                               timeout: .seconds(5))
        let reply = try testCodec.decodeReply(answer)
        guard case .error(let error) = reply.body else {
            Issue.record("expected an error reply, got \(reply.body)")
            return
        }
        #expect(error.code == .malformed)
        #expect(reached.load(ordering: .relaxed) == 0)
        socket.close()
        server.close()
        try await serving.value
    }

    @Test("closing the socket while replies are still being given from other threads ends serve cleanly")
    func closeWithRepliesInFlight() async throws {
        for _ in 0..<5 {
            // Replies come 20 ms after each request, so they are pending when the socket closes.
            let (server, port, serving) = try Self.startServer(delayMicros: 20_000)
            let client = try WireClient(url: "tcp://127.0.0.1:\(port)", codec: testCodec,
                                        identity: WireIdentity(senderID: "w1"))
            #expect(try await client.call(.heartbeat(Heartbeat(leases: []))) == .acknowledged)
            let pending = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<3 {
                        group.addTask { _ = try await client.call(.heartbeat(Heartbeat(leases: []))) }
                    }
                    try await group.waitForAll()
                }
            }
            try await Task.sleep(for: .milliseconds(5))
            server.close()
            // serve returns only once every context has ended, including those whose reply came after the close
            // (such a reply is dropped without reaching nng).
            try await serving.value
            pending.cancel()
            _ = await pending.result
            client.close()
        }
    }

    @Test("an operation on a context whose socket is closed fails with a closed error")
    func operationAfterClose() async throws {
        let socket = try WireSocket(.request)
        let context = try socket.makeContext()
        socket.close()
        await #expect(throws: TransportError.self) {
            try await context.send(bytes: [1, 2, 3])
        }
        do {
            try await context.send(bytes: [1, 2, 3])
        } catch let error as TransportError {
            #expect(error.isClosed)
        }
    }
}

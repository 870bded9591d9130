import Foundation
import SweptWire
import Synchronization
import Testing

/// Real nng sockets over tcp loopback; every test listens on its own free port.
@Suite("nng transport")
struct TransportTests {
    /// Starts an echo REP server with `contexts` contexts; returns the socket, its port and the serving task.
    static func echoServer(contexts: Int) throws -> (WireSocket, Int, Task<Void, any Error>) {
        let socket = try WireSocket(.reply, options: SocketOptions(receiveTimeout: nil))
        let listener = try socket.listen("tcp://127.0.0.1:0")
        let pool = try (0..<contexts).map { _ in try socket.makeContext() }
        let task = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for context in pool {
                    group.addTask {
                        while true {
                            let request: WireMessage
                            do { request = try await context.receive() } catch { return }
                            try? await context.send(request)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        return (socket, listener.boundPort, task)
    }

    @Test("REQ/REP round trip over tcp loopback")
    func roundTrip() async throws {
        let (server, port, serving) = try Self.echoServer(contexts: 1)
        defer {
            server.close()
            serving.cancel()
        }
        #expect(port > 0)
        let client = try WireSocket(.request, options: SocketOptions(receiveTimeout: .seconds(10)))
        defer { client.close() }
        try client.dial("tcp://127.0.0.1:\(port)")
        let context = try client.makeContext()
        for size in [0, 1, 100, 65_536] {
            let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            #expect(try await context.request(payload) == payload)
        }
    }

    @Test("several REP contexts serve requests concurrently")
    func concurrentContexts() async throws {
        let codec = testCodec
        let server = try WireServer(codec: codec, identity: WireIdentity(senderID: "coordinator"))
        let port = try server.listen("tcp://127.0.0.1:0").boundPort
        // Each handler waits until 4 requests are inside at once: this only finishes if 4 contexts serve in parallel.
        let inside = Atomic<Int>(0)
        let peak = Atomic<Int>(0)
        let serving = Task {
            try await server.run(contexts: 4) { request in
                let now = inside.add(1, ordering: .relaxed).newValue
                peak.max(now, ordering: .relaxed)
                let deadline = ContinuousClock.now + .seconds(5)
                while peak.load(ordering: .relaxed) < 4, ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(1))
                }
                inside.subtract(1, ordering: .relaxed)
                guard case .reportIntermediate(let report) = request.body else {
                    return .error(ErrorReply(code: .invalidArgument, message: "expected a report"))
                }
                return .verdict(TrialVerdict(trialID: report.trialID, decision: report.step > 2 ? .prune : .continue))
            }
        }
        defer {
            server.close()
            serving.cancel()
        }
        let client = try WireClient(
            url: "tcp://127.0.0.1:\(port)", codec: codec, identity: WireIdentity(senderID: "worker-1"),
            socketOptions: SocketOptions(receiveTimeout: .seconds(10)))
        defer { client.close() }
        let verdicts = try await withThrowingTaskGroup(of: TrialVerdict.self) { group in
            for trial in 0..<4 {
                group.addTask {
                    let report = IntermediateReport(
                        trialID: Int64(trial), leaseEpoch: 1, step: Int64(trial + 1), value: 0.5)
                    guard case .verdict(let verdict) = try await client.call(.reportIntermediate(report)) else {
                        throw WireClientError.mismatchedReply(expected: 0, received: 0)
                    }
                    return verdict
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(peak.load(ordering: .relaxed) == 4)
        #expect(Set(verdicts.map(\.trialID)) == [0, 1, 2, 3])
        #expect(verdicts.allSatisfy { $0.decision == ($0.trialID + 1 > 2 ? .prune : .continue) })
    }

    @Test("the client reconnects after the REP side restarts on the same port")
    func reconnectAfterRestart() async throws {
        var (server, port, serving) = try Self.echoServer(contexts: 2)
        let client = try WireSocket(.request, options: SocketOptions(receiveTimeout: .seconds(10)))
        defer { client.close() }
        try client.dial(
            "tcp://127.0.0.1:\(port)",
            options: DialOptions(reconnectMinimum: .milliseconds(10), reconnectMaximum: .milliseconds(100)))
        let context = try client.makeContext()
        #expect(try await context.request([1, 2, 3]) == [1, 2, 3])
        server.close()
        serving.cancel()
        _ = await serving.result
        // Restart on the same port; the request sent meanwhile is delivered once the dialer reconnects.
        let restarted = try WireSocket(.reply, options: SocketOptions(receiveTimeout: nil))
        defer { restarted.close() }
        try await Task.sleep(for: .milliseconds(50))
        try restarted.listen("tcp://127.0.0.1:\(port)")
        let replier = try restarted.makeContext()
        serving = Task {
            while true {
                let request = try await replier.receive()
                try await replier.send(request)
            }
        }
        defer { serving.cancel() }
        (server, port) = (restarted, port)
        #expect(try await context.request([4, 5, 6]) == [4, 5, 6])
    }

    @Test("a receive with nothing to receive times out with a typed error")
    func receiveTimeout() async throws {
        let (server, port, serving) = try Self.echoServer(contexts: 1)
        defer {
            server.close()
            serving.cancel()
        }
        let lonely = try WireSocket(.reply)
        defer { lonely.close() }
        let context = try lonely.makeContext()
        do {
            _ = try await context.receive(timeout: .milliseconds(50)).bytes
            Issue.record("receive returned a message")
        } catch let error as TransportError {
            #expect(error.isTimeout)
        }
        _ = port
    }

    @Test("cancelling a pending receive ends it promptly and the context stays usable")
    func cancellation() async throws {
        let (server, port, serving) = try Self.echoServer(contexts: 1)
        defer {
            server.close()
            serving.cancel()
        }
        let listener = try WireSocket(.reply, options: SocketOptions(receiveTimeout: nil))
        defer { listener.close() }
        let context = try listener.makeContext()
        let waiting = Task { try await context.receive().bytes }
        try await Task.sleep(for: .milliseconds(20))
        waiting.cancel()
        let result = await waiting.result
        #expect(throws: CancellationError.self) { try result.get() }
        // Cancelled before it starts: ends without waiting.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await context.receive().bytes
        }
        await #expect(throws: CancellationError.self) { try await early.value }
        _ = port
    }

    @Test("closing the socket ends a pending receive with a closed error")
    func closeEndsReceive() async throws {
        let socket = try WireSocket(.reply, options: SocketOptions(receiveTimeout: nil))
        let context = try socket.makeContext()
        let waiting = Task { try await context.receive().bytes }
        try await Task.sleep(for: .milliseconds(20))
        socket.close()
        do {
            _ = try await waiting.value
            Issue.record("receive returned a message")
        } catch let error as TransportError {
            #expect(error.isClosed)
        }
    }

    @Test("a message over the REP side's receive limit is dropped, the requester times out")
    func maxReceiveSize() async throws {
        let server = try WireSocket(.reply, options: SocketOptions(receiveTimeout: nil, maxReceiveSize: 1024))
        defer { server.close() }
        let port = try server.listen("tcp://127.0.0.1:0").boundPort
        let replier = try server.makeContext()
        let serving = Task {
            while true {
                let request = try await replier.receive()
                try await replier.send(request)
            }
        }
        defer { serving.cancel() }
        let client = try WireSocket(.request, options: SocketOptions(receiveTimeout: .milliseconds(300)))
        defer { client.close() }
        try client.dial("tcp://127.0.0.1:\(port)", options: DialOptions(reconnectMinimum: .milliseconds(10)))
        let context = try client.makeContext()
        #expect(try await context.request([UInt8](repeating: 7, count: 512)).count == 512)
        await #expect(throws: TransportError.self) { try await context.request([UInt8](repeating: 7, count: 4096)) }
    }

    @Test("a second concurrent operation on one context is refused")
    func busyContext() async throws {
        let socket = try WireSocket(.reply, options: SocketOptions(receiveTimeout: nil))
        defer { socket.close() }
        let context = try socket.makeContext()
        let first = Task { try await context.receive().bytes }
        try await Task.sleep(for: .milliseconds(20))
        await #expect(throws: WireContextError.busy) { try await context.receive().bytes }
        first.cancel()
        _ = await first.result
    }
}

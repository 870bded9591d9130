import Foundation
import SweptWire
import Synchronization
import Testing

/// `WireClient` against `WireServer` over tcp loopback: typed requests, error replies for bad input.
@Suite("Client and server endpoints")
struct EndpointTests {
    /// A server that answers reports with continue and everything else with acknowledged.
    static func startServer(codec: WireCodec = testCodec) throws -> (WireServer, Int, Task<Void, any Error>) {
        let server = try WireServer(codec: codec, identity: WireIdentity(senderID: "coordinator", incarnation: 11))
        let port = try server.listen("tcp://127.0.0.1:0").boundPort
        let task = Task {
            try await server.run(contexts: 2) { request in
                switch request.body {
                case .reportIntermediate(let report):
                    .verdict(TrialVerdict(trialID: report.trialID, decision: .continue))
                case .status: .error(ErrorReply(code: .unknownStudy, message: "no study named 'x'"))
                default: .acknowledged
                }
            }
        }
        return (server, port, task)
    }

    @Test("a typed call returns the reply; reply headers carry the server's identity and the request id")
    func typedCall() async throws {
        let (server, port, serving) = try Self.startServer()
        defer {
            server.close()
            serving.cancel()
        }
        let client = try WireClient(
            url: "tcp://127.0.0.1:\(port)", codec: testCodec, identity: WireIdentity(senderID: "w1"))
        defer { client.close() }
        let reply = try await client.exchange(
            .reportIntermediate(IntermediateReport(trialID: 5, leaseEpoch: 1, step: 1, value: 2)),
            requestID: 77)
        #expect(reply.body == .verdict(TrialVerdict(trialID: 5, decision: .continue)))
        #expect(reply.header.requestID == 77)
        #expect(reply.header.senderID == "coordinator")
        #expect(reply.header.incarnation == 11)
        await #expect(throws: WireRemoteError(code: .unknownStudy, message: "no study named 'x'")) {
            try await client.call(.status(StudyReference(study: "x")))
        }
    }

    @Test("a client with the wrong secret is refused: the server answers unauthenticated, the client cannot read it")
    func wrongSecret() async throws {
        let (server, port, serving) = try Self.startServer()
        defer {
            server.close()
            serving.cancel()
        }
        let intruder = WireCodec(secret: try WireSecret(bytes: Array("not-the-cluster-secret-123".utf8)))
        let client = try WireClient(
            url: "tcp://127.0.0.1:\(port)", codec: intruder, identity: WireIdentity(senderID: "x"))
        defer { client.close() }
        await #expect(throws: WireClientError.undecodableReply(.authenticationFailed)) {
            try await client.call(.stopStudy(StudyReference(study: "demo")))
        }
        // Read with the right secret, the same reply is an `unauthenticated` error.
        let raw = try WireSocket(.request, options: SocketOptions(receiveTimeout: .seconds(10)))
        defer { raw.close() }
        try raw.dial("tcp://127.0.0.1:\(port)")
        let forged = try intruder.encode(
            WireRequest(
                header: WireHeader(senderID: "x", incarnation: 1, requestID: 9),
                body: .stopStudy(StudyReference(study: "demo"))))
        let reply = try testCodec.decodeReply(try await raw.makeContext().request(forged))
        #expect(reply.header.requestID == 9)
        guard case .error(let error) = reply.body else {
            Issue.record("expected an error reply, got \(reply.body.name)")
            return
        }
        #expect(error.code == .unauthenticated)
    }

    @Test(
        "truncated, oversized and random requests get error replies with the matching code",
        arguments: [
            ("truncated", WireErrorCode.malformed), ("random", .malformed), ("oversized", .tooLarge),
            ("empty", .malformed),
        ])
    func badRequests(kind: String, code: WireErrorCode) async throws {
        let small = WireCodec(secret: testSecret, maxMessageSize: 4096)
        let (server, port, serving) = try Self.startServer(codec: small)
        defer {
            server.close()
            serving.cancel()
        }
        let raw = try WireSocket(.request, options: SocketOptions(receiveTimeout: .seconds(10)))
        defer { raw.close() }
        try raw.dial("tcp://127.0.0.1:\(port)")
        let valid = try small.encode(exampleRequests[4])
        let bytes: [UInt8] =
            switch kind {
            case "truncated": Array(valid.dropLast(40))
            case "random": (0..<200).map { _ in UInt8.random(in: 0...255) }
            case "oversized": valid + [UInt8](repeating: 0, count: 5000)
            default: []
            }
        let reply = try small.decodeReply(try await raw.makeContext().request(bytes))
        guard case .error(let error) = reply.body else {
            Issue.record("expected an error reply, got \(reply.body.name)")
            return
        }
        #expect(error.code == code, "\(kind): \(error.message)")
    }
}

@Suite("Client retries and resource lifetimes")
struct LifetimeTests {
    @Test("a retried call reuses its request id, so the server can replay instead of acting twice")
    func retryReusesRequestID() async throws {
        let server = try WireServer(codec: testCodec, identity: WireIdentity(senderID: "coordinator"))
        let port = try server.listen("tcp://127.0.0.1:0").boundPort
        let seen = Mutex<[UInt64]>([])
        let serving = Task {
            try await server.run(contexts: 2) { request in
                let first = seen.withLock { ids -> Bool in
                    ids.append(request.header.requestID)
                    return ids.count == 1
                }
                // The first attempt answers too late; the client times out and retries.
                if first { try? await Task.sleep(for: .milliseconds(600)) }
                return .acknowledged
            }
        }
        defer {
            server.close()
            serving.cancel()
        }
        let client = try WireClient(
            url: "tcp://127.0.0.1:\(port)", codec: testCodec, identity: WireIdentity(senderID: "w"))
        defer { client.close() }
        let reply = try await client.call(
            .stopStudy(StudyReference(study: "demo")), attempts: 3, timeout: .milliseconds(200))
        #expect(reply == .acknowledged)
        let ids = seen.withLock { $0 }
        #expect(ids.count >= 2)
        #expect(Set(ids).count == 1)
    }

    @Test("creating and dropping sockets and contexts with operations in flight neither leaks nor hangs")
    func dropWithOperationsInFlight() async throws {
        for round in 0..<100 {
            let socket = try WireSocket(.reply, options: SocketOptions(receiveTimeout: nil))
            let contexts = try (0..<3).map { _ in try socket.makeContext() }
            let pending = contexts.map { context in Task { try await context.receive().bytes } }
            if round % 2 == 0 {
                for task in pending { task.cancel() }
            } else {
                socket.close()
            }
            for task in pending { _ = await task.result }
            // The last references go here, on this task, after every callback has run.
        }
    }
}

import Foundation
import SweptCoordinator
import SweptStore
import SweptWire
import Testing

@Suite("Coordinator over a real socket")
struct CoordinatorSocketTests {
    @Test("truncated, oversized, random and wrongly signed messages get error replies; serving goes on",
          arguments: ["truncated", "oversized", "random", "wrong secret", "unknown kind"])
    func badMessages(kind: String) async throws {
        let h = try await Harness()
        let port = try h.coordinator.listen("tcp://127.0.0.1:0")
        let codec = WireCodec(secret: harnessSecret)
        let socket = try WireSocket(.request, options: SocketOptions(maxReceiveSize: 2 << 20))
        defer { socket.close() }
        try socket.dial("tcp://127.0.0.1:\(port)")
        let context = try socket.makeContext()
        let header = WireHeader(senderID: "prober", incarnation: 1, requestID: 77)
        let valid = try codec.encode(WireRequest(header: header, body: .status(StudyReference(study: nil))))
        let bytes: [UInt8]
        let expected: WireErrorCode
        switch kind {
        case "truncated":
            bytes = Array(valid.prefix(valid.count - 5))
            expected = .malformed
        case "oversized":
            bytes = valid + [UInt8](repeating: 0x41, count: codec.maxMessageSize - valid.count + 10)
            expected = .tooLarge
        case "random":
            bytes = (0..<64).map { _ in UInt8.random(in: 0...255) }
            expected = .malformed
        case "wrong secret":
            let other = WireCodec(secret: try WireSecret(bytes: Array("another-cluster-secret-000000".utf8)))
            bytes = try other.encode(WireRequest(header: header, body: .status(StudyReference(study: nil))))
            expected = .unauthenticated
        default:
            var copy = valid
            copy[3] = 0x7E
            // Re-signing is impossible from outside; a changed kind byte fails authentication first.
            bytes = copy
            expected = .unauthenticated
        }
        let replyBytes = try await context.request(bytes, timeout: .seconds(60))
        let reply = try codec.decodeReply(replyBytes)
        guard case .error(let error) = reply.body else {
            Issue.record("expected an error reply, got \(reply.body)")
            return
        }
        if kind == "random" {
            #expect([.malformed, .tooLarge].contains(error.code), "\(error)")
        } else {
            #expect(error.code == expected, "\(error)")
        }
        #expect(!error.message.isEmpty)
        // The coordinator still serves a valid request on the same connection.
        let status = try await context.request(valid, timeout: .seconds(60))
        guard case .status = try codec.decodeReply(status).body else {
            Issue.record("status did not answer after a bad message")
            return
        }
    }

    @Test("a worker with the wrong secret changes nothing in the store")
    func wrongSecretChangesNothing() async throws {
        let h = try await Harness()
        try await h.launch("guarded", trials: 3)
        let port = try h.coordinator.listen("tcp://127.0.0.1:0")
        let other = try WireSecret(bytes: Array("another-cluster-secret-000000".utf8))
        let client = try WireClient(url: "tcp://127.0.0.1:\(port)", codec: WireCodec(secret: other),
                                    identity: WireIdentity(senderID: "intruder"))
        defer { client.close() }
        for body in [RequestBody.registerWorker(WorkerCapabilities(slots: 1, cores: 1, blasThreads: 1)),
                     .acquireTrial(AcquireTrial(slot: 0)), .stopStudy(StudyReference(study: "guarded"))] {
            await #expect(throws: WireClientError.self) {
                _ = try await client.call(body, timeout: .seconds(60))
            }
        }
        #expect(try await h.readTrials("guarded").isEmpty)
        let status = await h.send(.status(StudyReference(study: "guarded")), from: "cli")
        guard case .status(let cluster) = status else {
            Issue.record("status failed: \(status)")
            return
        }
        #expect(cluster.workers.isEmpty)
        #expect(cluster.studies.first?.state == .running)
    }
}

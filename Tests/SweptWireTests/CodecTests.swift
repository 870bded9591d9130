import Testing

@testable import SweptWire

@Suite("Codec")
struct CodecTests {
    @Test("every request kind round-trips", arguments: exampleRequests)
    func requestRoundTrip(request: WireRequest) throws {
        let bytes = try testCodec.encode(request)
        #expect(try testCodec.decodeRequest(bytes) == request)
    }

    @Test("every reply kind round-trips", arguments: exampleReplies)
    func replyRoundTrip(reply: WireReply) throws {
        let bytes = try testCodec.encode(reply)
        #expect(try testCodec.decodeReply(bytes) == reply)
    }

    @Test("the examples cover every request and reply kind")
    func examplesCoverEveryKind() {
        let requestKinds = Set(WireExamples.requests.map(\.kind))
        let replyKinds = Set(WireExamples.replies.map(\.kind))
        #expect(requestKinds == [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15])
        #expect(replyKinds == [0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x90, 0x91, 0x92, 0x95, 0xFF])
    }

    @Test("extreme values survive: NaN, infinities, empty and non-ASCII strings, extreme integers")
    func extremeValues() throws {
        let body = RequestBody.finishTrial(
            TrialFinish(
                trialID: .min, leaseEpoch: .max,
                outcome: .complete(values: [.infinity, -.infinity, .nan, -0.0, .leastNonzeroMagnitude]),
                attributes: [TrialAttribute(key: "", value: "ünïcödé ✓ 🚀")]))
        let request = WireRequest(header: WireHeader(senderID: "ñode", incarnation: .max, requestID: .max), body: body)
        let decoded = try testCodec.decodeRequest(try testCodec.encode(request))
        guard case .finishTrial(let finish) = decoded.body, case .complete(let values) = finish.outcome else {
            Issue.record("decoded \(decoded.body.name)")
            return
        }
        #expect(
            values.map(\.bitPattern) == [.infinity, -.infinity, .nan, -0.0, .leastNonzeroMagnitude].map(\.bitPattern))
        #expect(finish.attributes == [TrialAttribute(key: "", value: "ünïcödé ✓ 🚀")])
        #expect(decoded.header == request.header)
    }

    @Test("a request decoded with another cluster's secret fails authentication")
    func wrongSecretRejected() throws {
        let other = WireCodec(secret: try WireSecret(bytes: Array("another-cluster-secret-abcdef".utf8)))
        for request in exampleRequests {
            let bytes = try other.encode(request)
            #expect(requestDecodeError(bytes) == .authenticationFailed)
            #expect(WireDecodeError.authenticationFailed.code == .unauthenticated)
        }
    }

    @Test("flipping any single bit of a message is detected")
    func everyBitFlipRejected() throws {
        let bytes = try testCodec.encode(exampleRequests[3])
        for index in bytes.indices {
            for bit in 0..<8 {
                var altered = bytes
                altered[index] ^= UInt8(1 << bit)
                #expect(requestDecodeError(altered) != nil, "byte \(index) bit \(bit) went unnoticed")
            }
        }
    }

    @Test("every truncation gives a typed error", arguments: exampleRequests)
    func truncated(request: WireRequest) throws {
        let bytes = try testCodec.encode(request)
        for length in 0..<bytes.count {
            let error = requestDecodeError(Array(bytes[0..<length]))
            #expect(error != nil, "prefix of \(length) bytes decoded")
            if length < WireCodec.minimumMessageSize {
                #expect(error == .tooShort(size: length, minimum: WireCodec.minimumMessageSize))
            } else {
                #expect(error?.code == .malformed, "prefix of \(length) bytes: \(String(describing: error))")
            }
        }
    }

    @Test("a message over the bound is refused before decoding")
    func oversized() throws {
        let huge = [UInt8](repeating: 0x53, count: testCodec.maxMessageSize + 1)
        #expect(requestDecodeError(huge) == .tooLarge(size: huge.count, limit: testCodec.maxMessageSize))
        #expect(WireDecodeError.tooLarge(size: 1, limit: 0).code == .tooLarge)
        let config = [UInt8](repeating: 0x61, count: testCodec.maxMessageSize)
        let launch = WireRequest(
            header: WireHeader(senderID: "cli", incarnation: 1, requestID: 1),
            body: .launchStudy(LaunchStudy(config: config, format: .yaml, sourceName: "big.yaml")))
        #expect(throws: WireEncodeError.self) { try testCodec.encode(launch) }
    }

    @Test("a sender id over 255 bytes cannot be encoded")
    func senderTooLong() {
        let request = WireRequest(
            header: WireHeader(senderID: String(repeating: "x", count: 256), incarnation: 1, requestID: 1),
            body: .status(StudyReference(study: nil)))
        #expect(throws: WireEncodeError.fieldTooLong(field: "senderID", length: 256, limit: 255)) {
            try testCodec.encode(request)
        }
    }

    @Test("a reply is not accepted as a request, nor a request as a reply")
    func directionChecked() throws {
        let reply = try testCodec.encode(exampleReplies[0])
        #expect(requestDecodeError(reply) == .unknownKind(0x81))
        let request = try testCodec.encode(exampleRequests[0])
        #expect(throws: WireDecodeError.unknownKind(0x01)) { try testCodec.decodeReply(request) }
    }

    @Test("signed but malformed bodies give typed errors that map to error codes")
    func signedMalformed() throws {
        let signer = MessageAuthenticator(secret: testSecret)
        func signed(_ content: [UInt8]) -> [UInt8] {
            var bytes = content
            signer.sign(&bytes)
            return bytes
        }
        let valid = try testCodec.encode(exampleRequests[3])
        let content = Array(valid.dropLast(32))
        // Unknown version.
        func signed(_ content: [UInt8], length: Int) -> [UInt8] {
            var patched = content
            withUnsafeBytes(of: UInt32(length).littleEndian) { patched.replaceSubrange(4..<8, with: $0) }
            return signed(patched)
        }
        var version = content
        version[2] = 9
        #expect(requestDecodeError(signed(version)) == .unsupportedVersion(9))
        #expect(WireDecodeError.unsupportedVersion(9).code == .unsupportedVersion)
        // Unknown kind.
        var kind = content
        kind[3] = 0x7E
        #expect(requestDecodeError(signed(kind)) == .unknownKind(0x7E))
        // Trailing bytes.
        #expect(requestDecodeError(signed(content + [0])) == .trailingBytes(count: 1))
        #expect(requestDecodeError(signed(content + [0], length: valid.count + 1)) == .trailingBytes(count: 1))
        #expect(
            requestDecodeError(signed(content, length: valid.count + 5))
                == .truncated(field: "message (length field says \(valid.count + 5) bytes)"))
        #expect(WireDecodeError.trailingBytes(count: 1).code == .malformed)
        // Invalid enum value: a verdict reply with decision 9.
        var verdict = Array(
            try testCodec.encode(
                WireReply(
                    header: WireHeader(senderID: "c", incarnation: 1, requestID: 1),
                    body: .verdict(TrialVerdict(trialID: 1, decision: .stop)))
            ).dropLast(32))
        verdict[verdict.count - 1] = 9
        #expect(throws: WireDecodeError.self) { try testCodec.decodeReply(signed(verdict)) }
        // A count that claims more elements than bytes left.
        var heartbeat = Array(
            try testCodec.encode(
                WireRequest(
                    header: WireHeader(senderID: "w", incarnation: 1, requestID: 1),
                    body: .heartbeat(Heartbeat(leases: [])))
            ).dropLast(32))
        heartbeat.replaceSubrange((heartbeat.count - 4)..., with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(requestDecodeError(signed(heartbeat)) == .truncated(field: "heartbeat.leases"))
        // Invalid UTF-8 in a string.
        var status = Array(
            try testCodec.encode(
                WireRequest(
                    header: WireHeader(senderID: "w", incarnation: 1, requestID: 1),
                    body: .status(StudyReference(study: "ab")))
            ).dropLast(32))
        status[status.count - 1] = 0xFF
        #expect(requestDecodeError(signed(status)) == .invalidValue(field: "study", expected: "UTF-8 text"))
    }

    @Test("peekHeader reads the request id of a message that fails authentication")
    func peekHeader() throws {
        let other = WireCodec(secret: try WireSecret(bytes: Array("another-cluster-secret-abcdef".utf8)))
        let bytes = try other.encode(exampleRequests[5])
        let header = bytes.withUnsafeBytes { testCodec.peekHeader($0) }
        #expect(header == exampleRequests[5].header)
        #expect([UInt8](repeating: 1, count: 80).withUnsafeBytes { testCodec.peekHeader($0) } == nil)
    }

    @Test("constant-time comparison agrees with ==")
    func constantTimeCompare() {
        let a: [UInt8] = Array(0..<32)
        var b = a
        #expect(a.withUnsafeBytes { x in b.withUnsafeBytes { MessageAuthenticator.constantTimeEquals(x, $0) } })
        b[31] ^= 0x80
        #expect(!a.withUnsafeBytes { x in b.withUnsafeBytes { MessageAuthenticator.constantTimeEquals(x, $0) } })
        #expect(
            !a.withUnsafeBytes { x in b.dropLast().withUnsafeBytes { MessageAuthenticator.constantTimeEquals(x, $0) } })
    }
}

import SweptWire
import Testing

/// The cluster secret the tests share.
let testSecret: WireSecret = {
    do {
        return try WireSecret(bytes: Array("swept-test-cluster-secret-0123456789".utf8))
    } catch {
        fatalError("test secret rejected: \(error)")
    }
}()

/// A codec over `testSecret` with a small bound, so oversize tests stay cheap.
let testCodec = WireCodec(secret: testSecret, maxMessageSize: 64 * 1024)

/// Every example request wrapped in a header.
let exampleRequests: [WireRequest] = WireExamples.requests.enumerated().map { index, body in
    WireRequest(
        header: WireHeader(senderID: "node-a/worker-\(index)", incarnation: 0xDEAD_BEEF, requestID: UInt64(index + 1)),
        body: body)
}

/// Every example reply wrapped in a header.
let exampleReplies: [WireReply] = WireExamples.replies.enumerated().map { index, body in
    WireReply(header: WireHeader(senderID: "coordinator", incarnation: 7, requestID: UInt64(index + 100)), body: body)
}

/// Decodes a request and returns the typed error it throws, or `nil` if it decoded.
func requestDecodeError(_ bytes: [UInt8], codec: WireCodec = testCodec) -> WireDecodeError? {
    do {
        _ = try codec.decodeRequest(bytes)
        return nil
    } catch {
        return error
    }
}

/// A tiny deterministic generator (SplitMix64) so fuzz runs are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension WireRequest: CustomTestStringConvertible {
    public var testDescription: String { "\(body.name) #\(header.requestID)" }
}

extension WireReply: CustomTestStringConvertible {
    public var testDescription: String { "\(body.name) #\(header.requestID)" }
}

import Foundation
import SweptWire
import Testing

/// The hex dumps in docs/protocol.md are what the codec produces today.
@Suite("docs/protocol.md examples")
struct ProtocolDocTests {
    /// The secret the documented examples are signed with.
    static let docsSecret = "swept-docs-example-secret-0123456789"

    static let examples: [(String, [UInt8])] = {
        do {
            let codec = WireCodec(secret: try WireSecret(bytes: Array(docsSecret.utf8)))
            let report = try codec.encode(
                WireRequest(
                    header: WireHeader(senderID: "node-a/1", incarnation: 0x0102_0304_0506_0708, requestID: 5),
                    body: .reportIntermediate(IntermediateReport(trialID: 42, leaseEpoch: 3, step: 7, value: 0.8125))))
            let verdict = try codec.encode(
                WireReply(
                    header: WireHeader(senderID: "coord", incarnation: 9, requestID: 5),
                    body: .verdict(TrialVerdict(trialID: 42, decision: .prune))))
            return [("reportIntermediate", report), ("verdict", verdict)]
        } catch {
            fatalError("examples do not encode: \(error)")
        }
    }()

    /// `offset  hex bytes` lines of 16 bytes.
    static func hexDump(_ bytes: [UInt8]) -> String {
        stride(from: 0, to: bytes.count, by: 16).map { start in
            let line = bytes[start..<min(start + 16, bytes.count)]
            let hex = line.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(separator: " ")
            let offset = String(start, radix: 16)
            return String(repeating: "0", count: 4 - offset.count) + offset + "  " + hex
        }.joined(separator: "\n")
    }

    @Test("every documented hex dump matches the encoder")
    func dumpsMatch() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/protocol.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        for (name, bytes) in Self.examples {
            let dump = Self.hexDump(bytes)
            #expect(text.contains(dump), "docs/protocol.md lacks the current \(name) dump:\n\(dump)")
        }
    }
}

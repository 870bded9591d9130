import Foundation
import Testing

@testable import SweptWire

@Suite("Decoder fuzzing")
struct FuzzTests {
    /// Messages per run: `SWEPT_FUZZ_COUNT` or 1,000,000.
    static let count = ProcessInfo.processInfo.environment["SWEPT_FUZZ_COUNT"].flatMap(Int.init) ?? 1_000_000

    /// Mutates valid messages (bit flips, byte overwrites, truncation, extension, splices, length-field bombs),
    /// re-signs most of them so the body parser is reached, and mixes in random bytes. Every input must decode
    /// or throw a `WireDecodeError`: a trap fails the whole test run.
    @Test("a million mutated and random messages never crash the decoder")
    func fuzzDecoder() throws {
        let signer = MessageAuthenticator(secret: testSecret)
        let seeds =
            try exampleRequests.map { Array(try testCodec.encode($0).dropLast(32)) }
            + exampleReplies.map { Array(try testCodec.encode($0).dropLast(32)) }
        var random = SplitMix64(state: 0x5EED)
        var decoded = 0
        var failures: [WireErrorCode: Int] = [:]
        for iteration in 0..<Self.count {
            var bytes: [UInt8]
            let mode = iteration % 16
            if mode == 15 {
                bytes = (0..<Int.random(in: 0...96, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
            } else if mode == 14 {
                // Altered after signing: must fail framing or authentication.
                bytes = seeds[Int.random(in: 0..<seeds.count, using: &random)]
                signer.sign(&bytes)
                Self.mutate(&bytes, using: &random)
            } else {
                bytes = seeds[Int.random(in: 0..<seeds.count, using: &random)]
                Self.mutate(&bytes, using: &random)
                // Most mutants get a consistent length field, so they reach the body parser.
                if mode < 12, bytes.count >= 8 {
                    withUnsafeBytes(of: UInt32(truncatingIfNeeded: bytes.count + 32).littleEndian) {
                        bytes.replaceSubrange(4..<8, with: $0)
                    }
                }
                signer.sign(&bytes)
            }
            let result: Result<Void, WireDecodeError> = bytes.withUnsafeBytes { buffer in
                do throws(WireDecodeError) {
                    if iteration & 1 == 0 {
                        _ = try testCodec.decodeRequest(buffer)
                    } else {
                        _ = try testCodec.decodeReply(buffer)
                    }
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            switch result {
            case .success: decoded += 1
            case .failure(let error): failures[error.code, default: 0] += 1
            }
        }
        // The run reached the body parser (malformed and unknown-kind failures) and also decoded some inputs.
        #expect(decoded + failures.values.reduce(0, +) == Self.count)
        #expect(decoded > 0)
        #expect(failures[.malformed, default: 0] > Self.count / 10)
        #expect(failures[.unauthenticated, default: 0] > 0)
    }

    static func mutate(_ bytes: inout [UInt8], using random: inout SplitMix64) {
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let index = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<7, using: &random) {
            case 0 where !bytes.isEmpty: bytes[index] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
            case 1 where !bytes.isEmpty: bytes[index] = UInt8.random(in: 0...255, using: &random)
            case 2: bytes.removeLast(min(bytes.count, Int.random(in: 1...8, using: &random)))
            case 3:
                bytes.append(
                    contentsOf: (0..<Int.random(in: 1...8, using: &random)).map { _ in
                        UInt8.random(in: 0...255, using: &random)
                    })
            case 4 where index + 4 <= bytes.count:
                // A length or count field claiming gigabytes.
                bytes.replaceSubrange(
                    index..<(index + 4), with: [0xFF, 0xFF, 0xFF, UInt8.random(in: 0x7F...0xFF, using: &random)])
            case 5 where bytes.count > 4: bytes.insert(UInt8.random(in: 0...255, using: &random), at: index)
            case 6 where index > 25:
                bytes.removeSubrange(index..<min(bytes.count, index + Int.random(in: 1...4, using: &random)))
            default: break
            }
        }
    }
}

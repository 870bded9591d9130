import Foundation
import Testing

@testable import SweptWire

@Suite("Cluster secret")
struct SecretTests {
    @Test("a secret shorter than 16 bytes is refused with its length")
    func tooShort() {
        do {
            _ = try WireSecret(bytes: Array("short".utf8))
            Issue.record("short secret accepted")
        } catch {
            #expect(error.description == "cluster secret secret is 5 bytes; expected at least 16")
        }
    }

    @Test("a secret file is read without its trailing newline")
    func fromFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("swept-secret-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = WireSecret.generateText()
        #expect(text.count == 64)
        try (text + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let fromFile = WireCodec(secret: try WireSecret(contentsOfFile: path))
        let direct = WireCodec(secret: try WireSecret(bytes: Array(text.utf8)))
        let bytes = try fromFile.encode(exampleRequests[0])
        #expect(try direct.decodeRequest(bytes) == exampleRequests[0])
    }

    @Test("a missing secret file names the path")
    func missingFile() {
        do {
            _ = try WireSecret(contentsOfFile: "/nonexistent/swept.secret")
            Issue.record("missing file accepted")
        } catch {
            #expect(error.source == "/nonexistent/swept.secret")
        }
    }
}

@Suite("HMAC-SHA256")
struct HMACTests {
    /// RFC 4231 test case 2 ("Jefe"), checked through the codec's authenticator.
    @Test("tags match the RFC 4231 vector")
    func rfcVector() throws {
        let authenticator = MessageAuthenticator(key: Array("Jefe".utf8))
        var bytes = Array("what do ya want for nothing?".utf8)
        authenticator.sign(&bytes)
        let tag = bytes.suffix(32).map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        #expect(tag == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("a key longer than a block is hashed first (RFC 4231 test case 6)")
    func longKey() {
        let authenticator = MessageAuthenticator(key: [UInt8](repeating: 0xAA, count: 131))
        var bytes = Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
        authenticator.sign(&bytes)
        let tag = bytes.suffix(32).map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        #expect(tag == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }
}

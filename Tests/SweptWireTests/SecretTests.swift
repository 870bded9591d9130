import Foundation
import Testing
import SweptWire

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
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("swept-secret-\(UUID().uuidString)").path
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

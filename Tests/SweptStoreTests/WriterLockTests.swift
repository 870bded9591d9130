import Foundation
@testable import SweptStore
import Testing

@Suite("Single writer: a second writer is refused, a killed one is not in the way")
struct WriterLockTests {
    let dir = TempDir()

    @Test("a second writer in the same process is refused; after close it may open")
    func sameProcess() async throws {
        let first = try makeStore(dir)
        #expect { try makeStore(dir) } throws: { error in
            let e = error as? StoreError
            return e?.code == .locked && e?.message.contains("pid \(getpid())") == true
        }
        let reader = try StudyStore.open(at: dir.file("swept.db"), options: .reader)
        #expect(try reader.allStudies().isEmpty)
        try await reader.close()
        try await first.close()
        try await makeStore(dir).close()
    }

    @Test("a writer process is named (host, pid) in the refusal, and SIGKILL frees the store")
    func otherProcess() async throws {
        let tool = try writerToolPath()
        let path = dir.file("swept.db")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["hold", path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        #expect(line.hasPrefix("ready \(process.processIdentifier)"))
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, 255)
        let host = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #expect { try StudyStore.open(at: path) } throws: { error in
            let message = (error as? StoreError)?.message ?? ""
            return message.contains("pid \(process.processIdentifier)")
                && message.contains("host \(host)")
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try await StudyStore.open(at: path).close()
    }
}

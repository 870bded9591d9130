import Foundation
import Testing

/// Whether this machine can create network namespaces (root and a working `ip netns`).
enum NetworkNamespaces {
    static let available: Bool = {
        guard geteuid() == 0 else { return false }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["ip", "netns", "list"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        do {
            try probe.run()
            probe.waitUntilExit()
            return probe.terminationStatus == 0
        } catch {
            return false
        }
    }()

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }
}

@Suite("Several nodes in network namespaces")
struct NetnsClusterTests {
    @Test("scripts/netns-cluster: a cut worker's trials expire and finish elsewhere; it rejoins when its link returns",
          .enabled(if: NetworkNamespaces.available,
                   "skipped: needs root and `ip netns` (network namespaces); CI runs it as root"),
          .timeLimit(.minutes(3)))
    func netnsCluster() async throws {
        let binary = try SweptBinary.require()
        let script = NetworkNamespaces.packageRoot.appendingPathComponent("scripts/netns-cluster").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = [binary]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        #expect(process.terminationStatus == 0, "netns-cluster failed:\n\(text)")
        #expect(text.contains("PASS"), "\(text)")
    }
}

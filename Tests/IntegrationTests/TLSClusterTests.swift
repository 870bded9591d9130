import Foundation
import SweptStore
import SweptTuning
import Testing

/// A self-signed certificate for `localhost` made with the `openssl` tool.
enum TestCertificate {
    static var opensslAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
            || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/openssl")
            || ProcessInfo.processInfo.environment["CI"] != nil
    }

    /// Writes `cert.pem` and `key.pem` into `directory`.
    static func make(in directory: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem", "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "openssl req failed")
    }
}

@Suite("Cluster over TLS with real processes")
struct TLSClusterTests {
    @Test("coordinator on tls+tcp:// with --tls-cert/--tls-key; submit and workers verify it with --tls-ca",
          .enabled(if: TestCertificate.opensslAvailable, "skipped: needs the openssl tool to make a certificate"))
    func tlsCluster() async throws {
        let cluster = try ScratchCluster("tls")
        try TestCertificate.make(in: cluster.directory)
        cluster.scheme = "tls+tcp"
        cluster.clientFlags = ["--tls-ca", cluster.directory + "/cert.pem", "--tls-server-name", "localhost"]
        try await cluster.startCoordinator(extra: ["--tls-cert", cluster.directory + "/cert.pem",
                                                   "--tls-key", cluster.directory + "/key.pem"])
        try await cluster.launch(testStudySpec(name: "sealed", trials: 6, steps: 2, sleepMillis: 0), name: "sealed")
        let worker = try cluster.startWorker("sealed", extra: ["--exit-when-idle", "2"])
        #expect(await worker.wait(timeout: 60) == 0, "\(worker.log)")
        let trials = try await cluster.settledTrials("sealed") { $0.filter { $0.trial.state == .complete }.count == 6 }
        #expect(trials.filter { $0.trial.state == .complete }.count == 6)
        await cluster.stop()
    }
}

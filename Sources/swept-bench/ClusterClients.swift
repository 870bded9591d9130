import ArgumentParser
import SweptWire

/// `swept-bench cluster-clients` (internal): the client half of `swept-bench cluster` in its own process.
struct ClusterClients: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster-clients",
        abstract: "Internal: the client processes of `swept-bench cluster`.",
        shouldDisplay: false
    )

    @Option(help: "The server to dial.")
    var url: String

    @Option(help: "raw (echo payloads) or workers (simulated workers).")
    var mode: String

    @Option(help: "Client sockets.")
    var clients: Int

    @Option(help: "Seconds to measure after a 0.3 s warm-up.")
    var seconds: Double

    @Option(help: "Raw mode: requests in flight per socket.")
    var inflight = 1

    @Option(help: "Raw mode: payload bytes.")
    var payload = 110

    @Option(help: "Workers mode: the cluster secret file.")
    var secretFile: String?

    func run() async throws {
        let result: ClientLoad.Result
        switch mode {
        case "raw":
            result = try await ClientLoad.raw(url: url, clients: clients, inflight: inflight, seconds: seconds,
                                              payload: payload)
        case "workers":
            guard let secretFile else { throw ValidationError("--mode workers needs --secret-file") }
            result = try await ClientLoad.workers(url: url, secret: try WireSecret(contentsOfFile: secretFile),
                                                  workers: clients, seconds: seconds)
        default:
            throw ValidationError("--mode is '\(mode)'; expected raw or workers")
        }
        var measured = result
        measured.clientCPUSeconds = ClientLoad.processCPUSeconds()
        print(measured.line)
    }
}

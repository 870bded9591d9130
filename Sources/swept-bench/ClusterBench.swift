import ArgumentParser
import SweptCoordinator
import SweptStore
import SweptWire

/// `swept-bench cluster`: trials and RPCs per second through a real coordinator on tcp loopback against the raw
/// nng REQ/REP rate with the same client count (`--raw`: the transport and the codec cost only).
struct ClusterBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Measure the cluster transport: raw nng REQ/REP rate and codec cost (release builds).",
        discussion: """
            Prints `cluster transport=nng-raw clients=N rpc_per_s=X` for each client count (each client is its own \
            REQ socket with `--inflight` requests in flight, default 1 like a worker; the REP side echoes with a \
            pool of contexts driven by nng's aio callbacks, as the coordinator serves), preceded by \
            `transport=nng-raw-tasks` (the same echo with one task per context awaiting each receive and send), \
            then `codec encoding=… message=… bytes=… ns_per_message=…` lines: encode + HMAC sign + HMAC verify + \
            decode of one message, binary and JSON.

            Without --raw, each client count is measured in `--rounds` alternating pairs: the raw rate as above, \
            then as many simulated workers (register, acquire, 5 reports, finish) against a coordinator with a \
            random sampler and a median pruner over a scratch store. \
            `cluster workers=N trials_per_s=… rpc_per_s=… efficiency=… efficiency_rounds=…`: efficiency is the \
            median over the rounds of swept's RPC rate over the raw rate measured just before it (each round's \
            ratio follows; rates are medians). `cluster workers=N report_latency_p50_us=… \
            report_latency_p99_us=…` (report → decision) and the CPU line come from the median round. First come \
            the store's lines: `cluster commit …` (a change-log write, a one-change SQLite commit) and \
            `cluster apply … us_per_trial=…` (the applier's SQLite work for one tiny trial's changes, in \
            transactions as large as `--apply-interval` makes them at ~9,600 changes per second); \
            `--store-only` prints just these.

            Examples: swept-bench cluster --raw --clients 2 --clients 8 --seconds 3
                      swept-bench cluster --clients 2 --clients 8
            """
    )

    @Flag(help: "Measure only the raw transport and the codec, not the coordinator.")
    var raw = false

    @Flag(help: "Measure only the store side: a log write, a one-change commit and the applier's cost per tiny trial.")
    var storeOnly = false

    @Option(help: "Store durability for the coordinator runs: normal (the coordinator's default), full or off.")
    var synchronous: String = "normal"

    @Flag(help: "Coordinator runs: commit as soon as anything is pending (no gathering of requests per commit).")
    var noGather = false

    @Option(help: "Coordinator runs: which thread commits — automatic, inline, leader or commit-thread.")
    var commits: String = "automatic"

    @Option(help: "Coordinator runs and the applier line: seconds between the applier's SQLite transactions.")
    var applyInterval: Double = CoordinatorSettings.defaultApplyIntervalSeconds

    @Option(help: "Client counts to measure (repeat the option).")
    var clients: [Int] = [2, 8]

    @Option(help: "Seconds to measure each client count (each side of each round).")
    var seconds: Double = 2

    @Option(help: "Coordinator runs: alternating pairs of raw and coordinator measurements per client count.")
    var rounds: Int = 3

    @Option(help: "Contexts serving on the REP side (the echo server's and the coordinator's).")
    var contexts: Int = 16

    @Flag(help: "Run the clients in this process instead of a child process (they then share its nng threads).")
    var inProcess = false

    @Option(help: "Requests each client keeps in flight (one context each), pipelined on its connection.")
    var inflight: Int = 1

    @Option(help: "Request payload size in bytes (a report message is about 110).")
    var payload: Int = 110

    @Option(help: "Round trips per codec measurement (JSON runs a quarter of them).")
    var codecIterations: Int = 200_000

    func validate() throws {
        guard StoreOptions.Synchronous(rawValue: synchronous.uppercased()) != nil else {
            throw ValidationError("--synchronous is '\(synchronous)'; expected full, normal or off")
        }
        guard CommitPlacement(rawValue: commits) != nil else {
            throw ValidationError("--commits is '\(commits)'; expected automatic, inline, leader or commit-thread")
        }
        if let problem = CoordinatorSettings.applyIntervalProblem(seconds: applyInterval) {
            throw ValidationError(problem)
        }
        guard clients.allSatisfy({ $0 > 0 }), seconds > 0, contexts > 0, inflight > 0, rounds > 0, payload >= 0 else {
            throw ValidationError(
                "--clients, --seconds, --contexts, --inflight and --rounds must be positive, --payload not negative")
        }
    }

    func run() async throws {
        if !raw {
            try await runCoordinator()
            return
        }
        for count in clients {
            let pipelined = inflight > 1 ? " inflight=\(inflight)" : ""
            for kind in [RawServer.tasks, .callbacks] {
                let rate = try await Self.rawRate(
                    clients: count, inflight: inflight, seconds: seconds, contexts: contexts,
                    payload: payload, server: kind, inProcess: inProcess).rpcPerSecond
                let name = kind == .tasks ? "nng-raw-tasks" : "nng-raw"
                print("cluster transport=\(name) clients=\(count)\(pipelined) rpc_per_s=\(Int(rate.rounded()))")
            }
        }
        for line in try CodecBench.lines(iterations: max(codecIterations, 40)) { print(line) }
    }

    /// How the echoing REP side serves.
    enum RawServer: String {
        /// `WireServer.serveRaw`: contexts driven by nng's aio callbacks (what the coordinator uses).
        case callbacks
        /// One task per `WireContext`, awaiting each receive and send (the async API).
        case tasks
    }

    /// Requests per second of `clients` sequential REQ sockets against one echoing REP socket; the clients run
    /// in a child process unless `inProcess`.
    static func rawRate(clients: Int, inflight: Int, seconds: Double, contexts: Int, payload: Int,
                        server kind: RawServer = .callbacks, inProcess: Bool = false) async throws
        -> ClientLoad.Result
    {
        let secret = try WireSecret(bytes: Array("swept-bench-raw-transport-secret".utf8))
        let server = try WireServer(codec: WireCodec(secret: secret), identity: WireIdentity(senderID: "echo"))
        let port = try server.listen("tcp://127.0.0.1:0").boundPort
        let serving: Task<Void, Never>
        switch kind {
        case .callbacks:
            serving = Task { try? await server.serveRaw(contexts: contexts) { bytes, reply in reply(Array(bytes)) } }
        case .tasks:
            serving = Task { try? await server.runRaw(contexts: contexts) { $0 } }
        }
        defer { server.close() }
        let url = "tcp://127.0.0.1:\(port)"
        let result: ClientLoad.Result
        if inProcess {
            result = try await ClientLoad.raw(url: url, clients: clients, inflight: inflight, seconds: seconds,
                                              payload: payload)
        } else {
            result = try await ClientLoad.inChild([
                "--url", url, "--mode", "raw", "--clients", "\(clients)", "--seconds", "\(seconds)",
                "--inflight", "\(inflight)", "--payload", "\(payload)",
            ])
        }
        // Stop serving before the socket closes (a send racing the close is what nng 1.5.2 aborted on).
        serving.cancel()
        await serving.value
        return result
    }
}

import Foundation
import Testing

/// `swept check` and `swept try` on real config files.
@Suite("swept check and swept try")
struct ConfigCommandTests {
    static let examples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("study-configs")

    @Test(arguments: ["fashion-mlp-tpe.yaml", "fashion-softmax-grid.yaml", "branin-random.yaml", "command-python.yaml"])
    func everyExampleChecksOut(_ name: String) throws {
        let run = try QueryCommandTests.swept(["check", Self.examples.appendingPathComponent(name).path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("is a valid study config"))
    }

    @Test func aBrokenConfigExitsOneWithItsLocation() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID().uuidString).yaml")
        try ("name: b\ndirection: minimize\nobjective: {type: function, name: branin}\n"
            + "space:\n  x: {float: [0, 1], lg: true}\n")
            .write(to: path, atomically: true, encoding: .utf8)
        let run = try QueryCommandTests.swept(["check", path.path])
        #expect(run.status == 1)
        let expected = "\(path.path):5:22: space.x.lg: unknown key 'lg' (did you mean 'log'?)"
        #expect(run.stderr.contains(expected), "\(run.stderr)")
    }

    static let pythonAvailable = ProcessInfo.processInfo.environment["PATH", default: "/usr/bin:/bin"]
        .split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/python3") }

    @Test(.enabled(if: pythonAvailable, "python3 is not on PATH"))
    func tryRunsTheCommandExampleOnce() throws {
        let run = try QueryCommandTests.swept([
            "try", Self.examples.appendingPathComponent("command-python.yaml").path,
            "--param", "x=2", "--param", "y=-1",
            "--param", "shape=bowl",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("step 4: value=0"))
        #expect(run.stdout.contains("COMPLETE value=0 "))
    }

    @Test func tryRefusesAnUnknownParameter() throws {
        let run = try QueryCommandTests.swept([
            "try", Self.examples.appendingPathComponent("branin-random.yaml").path, "--param", "x3=1",
        ])
        #expect(run.status == 1)
        #expect(run.stderr.contains("not a parameter of branin-random"))
    }
}

@Suite("swept try with a stored trial")
struct TryStoredTrialTests {
    @Test func theBestStoredTrialIsRunAgainWithItsParams() async throws {
        let store = try await QueryCommandTests.makeStore()
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("fashion-\(UUID().uuidString).yaml")
        try """
            name: fashion
            direction: maximize
            objective: {type: command, run: 'echo "swept: final value=$SWEPT_PARAM_LEARNING_RATE"'}
            space:
              learning_rate: {float: [1e-4, 1e-1], log: true}
              activation: {categorical: [relu, tanh]}
            """.write(to: config, atomically: true, encoding: .utf8)
        let run = try QueryCommandTests.swept(["try", config.path, "--store", store, "--best"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("trial 1 params: activation=tanh learning_rate=0.003"), "\(run.stdout)")
        #expect(run.stdout.contains("COMPLETE value=0.003"))

        let usage = try QueryCommandTests.swept(["try", config.path, "--best"])
        #expect(usage.status != 0)
        #expect(usage.stderr.contains("--best and --number need --store PATH"))
    }
}

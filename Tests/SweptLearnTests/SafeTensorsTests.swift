import Foundation
import Testing
@testable import SweptLearn

@Suite struct SafeTensorsTests {
    static func trainedNetwork() throws -> NeuralNetwork {
        let data = try TestData.blobs(rows: 64, features: 6, classes: 3, seed: 30)
        var network = try NeuralNetwork(
            inputCount: 6, hiddenLayers: [DenseLayer(units: 5, activation: .tanh), DenseLayer(units: 4)],
            head: .softmax(classes: 3), seed: 8)
        var c = TrainingConfiguration()
        c.epochs = 2
        _ = try Trainer(configuration: c).fit(&network, training: data)
        return network
    }

    static func temporaryFile() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("swept-\(UUID().uuidString).safetensors").path
    }

    @Test func networkRoundTripsBitExactly() throws {
        let network = try Self.trainedNetwork()
        let path = Self.temporaryFile()
        try network.save(to: path, metadata: ["run": "unit-test"])
        let loaded = try NeuralNetwork.load(from: path)
        #expect(loaded == network)
        let (_, metadata) = try SafeTensors.read(path: path)
        #expect(metadata["run"] == "unit-test")
    }

    @Test func layoutFollowsTheFormat() throws {
        let a = try SafeTensor(shape: [2, 2], values: [1, 2, 3, 4])
        let b = try SafeTensor(shape: [1], values: [-0.5])
        let bytes = try SafeTensors.encode([("a", a), ("b", b)])
        var length = 0
        for i in 0..<8 { length |= Int(bytes[i]) << (8 * i) }
        #expect(length % 8 == 0)
        #expect(bytes.count == 8 + length + 20)
        let header = String(decoding: bytes[8..<(8 + length)], as: UTF8.self)
        #expect(header.contains("\"data_offsets\":[16,20]"))
        #expect(header.contains("\"dtype\":\"F32\""))
        // Little-endian 1.0f right after the header.
        #expect(Array(bytes[(8 + length)..<(12 + length)]) == [0, 0, 0x80, 0x3F])
        let decoded = try SafeTensors.decode(bytes)
        #expect(decoded.tensors["a"] == a && decoded.tensors["b"] == b)
    }

    @Test func corruptFilesAreReported() throws {
        let good = try SafeTensors.encode([("w", SafeTensor(shape: [4], values: [1, 2, 3, 4]))])
        let error = try #require(throws: LearnError.self) {
            try SafeTensors.decode(Array(good.dropLast(4)), source: "cut.safetensors")
        }
        #expect(error.message.contains("cut.safetensors") && error.message.contains("\"w\""))
        #expect(throws: LearnError.self) { try SafeTensors.decode([1, 2, 3]) }
        #expect(throws: LearnError.self) { try SafeTensor(shape: [2, 2], values: [1]) }
    }

    /// A file swept saves loads in Python's `safetensors.numpy` with the same values.
    @Test func pythonSafetensorsReadsSweptFiles() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let python = environment["SWEPT_PEER_PYTHON"], !python.isEmpty else {
            if environment["CI"] != nil {
                Issue.record("SWEPT_PEER_PYTHON is unset in CI: run scripts/test, which builds the peer venv")
            } else {
                print("skipped: Python safetensors check (set SWEPT_PEER_PYTHON, e.g. via scripts/peer-venv)")
            }
            return
        }
        let network = try Self.trainedNetwork()
        let path = Self.temporaryFile()
        try network.save(to: path)
        let script = """
            import sys, json
            from safetensors.numpy import load_file
            t = load_file(sys.argv[1])
            print(json.dumps({k: {"shape": list(v.shape), "dtype": str(v.dtype), "values": v.ravel().tolist()}
                              for k, v in t.items()}))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python exited with \(process.terminationStatus)")
        let parsed = try #require(try JSONSerialization.jsonObject(with: output) as? [String: [String: Any]])
        let expected = network.namedTensors()
        #expect(Set(parsed.keys) == Set(expected.map(\.name)))
        for (name, tensor) in expected {
            let entry = try #require(parsed[name])
            #expect(entry["dtype"] as? String == "float32")
            #expect(entry["shape"] as? [Int] == tensor.shape)
            let values = try #require(entry["values"] as? [Double]).map { Float($0) }
            #expect(values == tensor.values, "\(name) differs")
        }
    }
}

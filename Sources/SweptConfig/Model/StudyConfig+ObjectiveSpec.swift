import Foundation

extension StudyConfig {
    /// The spec type of objectives that travel as the whole study config.
    public static let objectiveSpecType = "study-config"

    /// The objective spec (JSON text) that carries this config's objective to workers.
    ///
    /// Trainer and command objectives travel as `{"type": "study-config", "file": …, "yaml": …}`: the worker
    /// parses the same YAML again, so every worker runs exactly what the config says. Function objectives travel
    /// as the built-in test-function spec (`{"type": "test-function", "function": …, "steps": …, "sleep_ms": …}`).
    /// - Parameter yaml: the text this config was parsed from.
    public func objectiveSpec(yaml: String) -> String {
        let object: [String: Any]
        switch objective {
        case .function(let function):
            object = [
                "type": "test-function", "function": function.name, "steps": function.steps,
                "sleep_ms": Int((function.stepSleep * 1000).rounded()), "schedule": "linear",
            ]
        case .trainer, .command:
            object = ["type": Self.objectiveSpecType, "file": sourceFile, "yaml": yaml]
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

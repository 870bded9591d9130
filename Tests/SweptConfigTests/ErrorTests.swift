import Foundation
import SweptConfig
import Testing

@Suite("Study configs: errors name file, line, field and what was expected")
struct ErrorTests {
    /// A valid config with `SPACE` and `EXTRA` placeholders to break.
    static func config(space: String = "  x: {float: [0, 1]}", extra: String = "") -> String {
        """
        name: broken
        direction: minimize
        objective: {type: function, name: branin}
        \(extra)
        space:
        \(space)
        """
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let yaml: String
        let line: Int?
        let field: String
        let fragments: [String]
        var testDescription: String { fragments.joined(separator: " / ") }
    }

    static let cases: [Case] = [
        Case(yaml: config(extra: "sampler: {type: tpe, sed: 3}"), line: 4, field: "sampler.sed",
             fragments: ["unknown key 'sed'", "did you mean 'seed'?"]),
        Case(yaml: config(extra: "samplr: {type: tpe}"), line: 4, field: "samplr",
             fragments: ["unknown key 'samplr'", "did you mean 'sampler'?"]),
        Case(yaml: config(extra: "sampler: {type: cmaes}"), line: 4, field: "sampler.type",
             fragments: ["unknown sampler type 'cmaes'", "tpe, random, grid"]),
        Case(yaml: config(extra: "pruner: {type: medain}"), line: 4, field: "pruner.type",
             fragments: ["did you mean 'median'?"]),
        Case(yaml: config(extra: "pruner: {type: percentile, percentile: 140}"), line: 4,
             field: "pruner.percentile", fragments: ["expected a percentile in 0...100, got 140"]),
        Case(yaml: config(extra: "budget: {trials: many}"), line: 4, field: "budget.trials",
             fragments: ["expected an integer >= 1, got 'many'"]),
        Case(yaml: config(extra: "budget: {timeout: soon}"), line: 4, field: "budget.timeout",
             fragments: ["expected a duration", "got 'soon'"]),
        Case(yaml: config(space: "  x: {float: [1, 0]}"), line: 6, field: "space.x.float",
             fragments: ["expected low <= high, got low=1.0, high=0.0"]),
        Case(yaml: config(space: "  x: {float: [0, 1], log: true}"), line: 6, field: "space.x.float",
             fragments: ["log distribution needs low > 0"]),
        Case(yaml: config(space: "  x: {int: [1, 8], step: 2, log: true}"), line: 6, field: "space.x.int",
             fragments: ["log=true needs step 1"]),
        Case(yaml: config(space: "  x: {categorical: []}"), line: 6, field: "space.x.categorical",
             fragments: ["at least one choice"]),
        Case(yaml: config(space: "  x: {float: [0, one]}"), line: 6, field: "space.x.float[1]",
             fragments: ["expected a number, got 'one'"]),
        Case(yaml: config(space: "  x: {floot: [0, 1]}"), line: 6, field: "space.x.floot",
             fragments: ["unknown key 'floot'", "did you mean 'float'?"]),
        Case(yaml: config(space: "  x: {float: [0, 1], log: maybe}"), line: 6, field: "space.x.log",
             fragments: ["expected true or false, got 'maybe'"]),
        Case(yaml: config(space: "  x: {float: [0, 1], int: [0, 3]}"), line: 6, field: "space.x",
             fragments: ["exactly one of float, int or categorical, got float and int"]),
        Case(yaml: config(space: "  x: {float: [0, 1], when: {mode: a}}"), line: 6, field: "space.x.when.mode",
             fragments: ["unknown parameter 'mode'"]),
        Case(yaml: config(space: "  m: {categorical: [a, b]}\n  x: {float: [0, 1], when: {m: c}}"), line: 7,
             field: "space.x.when.m", fragments: ["'m' never takes the value 'c'"]),
        Case(yaml: config(space: "  m: {float: [0, 1]}\n  x: {float: [0, 1], when: {m: 1}}"), line: 7,
             field: "space.x.when.m", fragments: ["categorical or int parameter"]),
        Case(yaml: config(space: "  a: {categorical: [p], when: {b: q}}\n  b: {categorical: [q], when: {a: p}}"),
             line: 6, field: "space.a.when.b", fragments: ["form a cycle"]),
        Case(yaml: config(extra: "sampler: {type: grid}"), line: 4, field: "sampler",
             fragments: ["grid needs a finite list of values for 'x'"]),
        Case(yaml: "name: a\ndirection: sideways\nobjective: {type: function, name: branin}\n"
                + "space: {x: {float: [0, 1]}}",
             line: 2, field: "direction", fragments: ["unknown direction 'sideways'", "minimize, maximize"]),
        Case(yaml: "name: a\ndirection: minimize\nobjective: {type: xgboost}\nspace: {x: {float: [0, 1]}}",
             line: 3, field: "objective.type", fragments: ["unknown objective type 'xgboost'", "mlp, softmax"]),
        Case(yaml: "name: a\ndirection: minimize\nobjective: {type: function, name: branin}\n", line: 1, field: "",
             fragments: ["missing required key 'space'"]),
        Case(yaml: "name: a\ndirection: minimize\nobjective: {type: function, name: branin}\nspace: {x: [0, 1]}",
             line: 4, field: "space.x", fragments: ["expected a range such as {float: [0.0, 1.0]}"]),
        Case(yaml: "name: a\ndirection: [minimize\nspace: {}", line: 3, field: "",
             fragments: ["invalid YAML"]),
        Case(yaml: "", line: nil, field: "", fragments: ["the file is empty"]),
        Case(yaml: "name: a\ndirection: minimize\nname: b\n", line: 1, field: "",
             fragments: ["repeats the key(s) 'name'"]),
        Case(yaml: "name: a\ndirection: minimize\nobjective: {type: function, name: branin}\n\tspace: {}\n", line: 4,
             field: "", fragments: ["invalid YAML", "cannot start any token"]),
        Case(yaml: "name: a b\n", line: 1, field: "name", fragments: ["expected letters, digits"]),
    ]

    @Test(arguments: cases)
    func errorIsLocatedAndExplains(_ item: Case) throws {
        let error = try #require(throws: ConfigError.self) {
            try StudyConfigParser.parse(yaml: item.yaml, file: "study.yaml")
        }
        #expect(error.file == "study.yaml")
        #expect(error.line == item.line)
        #expect(error.field == item.field)
        for fragment in item.fragments {
            #expect(error.message.contains(fragment), "message: \(error.message)")
        }
        #expect(error.description.hasPrefix("study.yaml"))
    }

    @Test func descriptionShowsFileLineColumnAndField() throws {
        let error = try #require(throws: ConfigError.self) {
            try StudyConfigParser.parse(yaml: Self.config(space: "  x: {float: [0, 1], log: maybe}"), file: "s.yaml")
        }
        #expect(error.description == "s.yaml:6:27: space.x.log: expected true or false, got 'maybe'")
    }

    static let trainer = """
        name: t
        direction: maximize
        data: {source: "idx:/usr/share/datasets/fashion-mnist"}
        objective: {type: mlp, epochs: 2}
        space:
        """

    @Test(arguments: [
        ("  learning_rat: {float: [0.001, 0.1]}", "did you mean 'learning_rate'?"),
        ("  activation: {categorical: [relu, swish]}", "expected one of relu, tanh, gelu, sigmoid"),
        ("  layers: {float: [1, 3]}", "takes integers"),
        ("  alpha: {float: [0.1, 1]}", "not a setting of the mlp trainer"),
    ])
    func trainerSpacesOnlyTuneKnownSettings(space: String, fragment: String) throws {
        let error = try #require(throws: ConfigError.self) {
            try StudyConfigParser.parse(yaml: Self.trainer + "\n" + space, file: "t.yaml")
        }
        #expect(error.line == 6)
        #expect(error.message.contains(fragment), "message: \(error.message)")
    }

    @Test func trainerMetricMustMatchDirection() throws {
        let yaml = Self.trainer.replacingOccurrences(of: "direction: maximize", with: "direction: minimize")
            + "\n  learning_rate: {float: [0.001, 0.1]}"
        let error = try #require(throws: ConfigError.self) { try StudyConfigParser.parse(yaml: yaml) }
        #expect(error.message.contains("expected direction maximize"))
    }

    @Test func dataIsRequiredForTrainersAndRefusedOtherwise() throws {
        let missing = try #require(throws: ConfigError.self) {
            try StudyConfigParser.parse(yaml: "name: a\ndirection: maximize\nobjective: {type: softmax, epochs: 1}\n"
                + "space: {learning_rate: {float: [0.01, 0.1]}}")
        }
        #expect(missing.message.contains("missing required key 'data'"))
        let extra = try #require(throws: ConfigError.self) {
            try StudyConfigParser.parse(yaml: Self.config(extra: "data: {source: 'idx:/tmp'}"))
        }
        #expect(extra.field == "data")
        #expect(extra.message.contains("read by trainers only"))
    }

    @Test func missingFileIsNamed() throws {
        let error = try #require(throws: ConfigError.self) {
            try StudyConfigParser.load(path: "/nonexistent/study.yaml")
        }
        #expect(error.description == "/nonexistent/study.yaml: no such file; expected a study config (YAML)")
    }
}

@Suite("Study configs: the first error in the file is reported first")
struct ErrorOrderTests {
    @Test func aSamplerTypoAboveABadRangeIsReportedFirst() throws {
        let yaml = """
            name: a
            direction: minimize
            objective: {type: function, name: branin}
            sampler: {type: tpe, sed: 3}
            space:
              x: {float: [1, 0]}
            """
        let error = try #require(throws: ConfigError.self) { try StudyConfigParser.parse(yaml: yaml) }
        #expect(error.line == 4)
        #expect(error.field == "sampler.sed")
    }

    @Test func aBadRangeAboveASamplerTypoIsReportedFirst() throws {
        let yaml = """
            name: a
            direction: minimize
            objective: {type: function, name: branin}
            space:
              x: {float: [1, 0]}
            sampler: {type: tpe, sed: 3}
            """
        let error = try #require(throws: ConfigError.self) { try StudyConfigParser.parse(yaml: yaml) }
        #expect(error.line == 5)
        #expect(error.field == "space.x.float")
    }
}

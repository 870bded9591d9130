import SweptConfig
import SweptTuning
import Testing

@Suite("Study configs: parsing valid files")
struct ParseTests {
    static let flagship = """
        name: fashion-mlp
        direction: maximize
        metric: val_accuracy
        sampler: {type: tpe, seed: 42, n_startup_trials: 8, constant_liar: true}
        pruner: {type: median, n_startup_trials: 5, n_warmup_steps: 2}
        budget: {trials: 200, timeout: 30m, parallel: 8, max_failures: 10, max_retries: 1}
        data:
          source: idx:/usr/share/datasets/fashion-mnist
          split: {validation: 0.1, stratify: label, seed: 7}
          features: [{scale: pixels}]
        objective: {type: mlp, epochs: 30, report_every: 1, fixed: {optimizer: adam}}
        space:
          learning_rate: {float: [1e-4, 1e-1], log: true}
          hidden_units:  {int: [32, 512], log: true}
          layers:        {int: [1, 3]}
          activation:    {categorical: [relu, tanh, gelu]}
          batch_size:    {categorical: [64, 128, 256]}
          dropout:       {float: [0.0, 0.5], step: 0.1}
        """

    @Test func flagshipParsesIntoTypedFields() throws {
        let config = try StudyConfigParser.parse(yaml: Self.flagship, file: "flagship.yaml")
        #expect(config.name == "fashion-mlp")
        #expect(config.directions == [.maximize])
        #expect(config.metrics == ["val_accuracy"])
        var tpe = TPEOptions(seed: 42)
        tpe.nStartupTrials = 8
        tpe.constantLiar = true
        #expect(config.sampler == .tpe(tpe))
        var pruner = PrunerOptions()
        pruner.nWarmupSteps = 2
        #expect(config.pruner == .median(pruner))
        #expect(config.budget.trials == 200)
        #expect(config.budget.timeout == 1800)
        #expect(config.budget.parallel == 8)
        #expect(config.budget.maxFailures == 10)
        #expect(config.budget.maxRetries == 1)
        let data = try #require(config.data)
        #expect(data.source == .idx(directory: "/usr/share/datasets/fashion-mnist"))
        #expect(data.validationFraction == 0.1)
        #expect(data.stratify)
        #expect(data.splitSeed == 7)
        #expect(data.scaling == .pixels)
        guard case .trainer(let trainer) = config.objective else {
            Issue.record("expected a trainer objective, got \(config.objective)")
            return
        }
        #expect(trainer.model == .mlp)
        #expect(trainer.epochs == 30)
        #expect(trainer.fixed == ["optimizer": .string("adam")])
        #expect(config.space.names == [
            "learning_rate", "hidden_units", "layers", "activation", "batch_size", "dropout",
        ])
        let learningRate = try FloatDistribution(low: 1e-4, high: 0.1, log: true)
        #expect(config.space["learning_rate"]?.distribution == .float(learningRate))
        #expect(config.space["hidden_units"]?.distribution == .int(try IntDistribution(low: 32, high: 512, log: true)))
        #expect(config.space["dropout"]?.distribution == .float(try FloatDistribution(low: 0, high: 0.5, step: 0.1)))
        let batchSizes = try CategoricalDistribution(choices: [64, 128, 256])
        #expect(config.space["batch_size"]?.distribution == .categorical(batchSizes))
    }

    @Test func categoricalChoicesKeepTheirYAMLTypes() throws {
        let config = try StudyConfigParser.parse(yaml: """
            name: kinds
            direction: minimize
            objective: {type: function, name: branin}
            space:
              c: {categorical: [relu, 3, 0.5, true, null, "42"]}
            """)
        let choices: [ParamValue] = [.string("relu"), .int(3), .float(0.5), .bool(true), .null, .string("42")]
        #expect(config.space["c"]?.distribution == .categorical(try CategoricalDistribution(choices: choices)))
        #expect(config.metrics == ["value"])
        #expect(config.sampler == .tpe(TPEOptions()))
        #expect(config.pruner == .median(PrunerOptions()))
        #expect(config.data == nil)
    }

    @Test(arguments: [
        ("90s", 90.0), ("30m", 1800.0), ("1h30m", 5400.0), ("250ms", 0.25), ("2.5h", 9000.0), ("45", 45.0),
    ])
    func durations(text: String, seconds: Double) throws {
        let config = try StudyConfigParser.parse(yaml: """
            name: d
            direction: minimize
            budget: {timeout: \(text)}
            objective: {type: function, name: branin}
            space: {x: {float: [0, 1]}}
            """)
        #expect(config.budget.timeout == seconds)
    }

    @Test func multiObjectiveTakesOneMetricPerDirection() throws {
        let config = try StudyConfigParser.parse(yaml: """
            name: mo
            directions: [minimize, maximize]
            metrics: [loss, speed]
            objective: {type: command, run: "python3 train.py", timeout: 2m, env: {MODE: fast}}
            space: {x: {float: [0, 1]}}
            """)
        #expect(config.directions == [.minimize, .maximize])
        #expect(config.metrics == ["loss", "speed"])
        #expect(config.pruner == .none)
        guard case .command(let command) = config.objective else {
            Issue.record("expected a command objective")
            return
        }
        #expect(command.argv == ["/bin/sh", "-c", "python3 train.py"])
        #expect(command.timeout == 120)
        #expect(command.environment == ["MODE": "fast"])
    }

    @Test func gridValuesAreDerivedOrListed() throws {
        let config = try StudyConfigParser.parse(yaml: """
            name: g
            direction: minimize
            sampler: {type: grid, values: {lr: [0.1, 0.01]}}
            objective: {type: function, name: branin}
            space:
              lr: {float: [0.001, 1], log: true}
              n: {int: [1, 7], step: 3}
              s: {float: [0, 1], step: 0.5}
              a: {categorical: [x, y]}
            """)
        guard case .grid(let values, _) = config.sampler else {
            Issue.record("expected a grid sampler")
            return
        }
        #expect(values["lr"] == [.float(0.1), .float(0.01)])
        #expect(values["n"] == [.int(1), .int(4), .int(7)])
        #expect(values["s"] == [.float(0), .float(0.5), .float(1)])
        #expect(values["a"] == [.string("x"), .string("y")])
        let sampler = try StudyFactory.makeSampler(config)
        #expect((sampler as? GridSampler)?.gridSize == 2 * 3 * 3 * 2)
    }

    @Test func factoriesBuildTheDeclaredPruners() throws {
        var options = PrunerOptions()
        options.nStartupTrials = 2
        #expect(try StudyFactory.makePruner(.median(options)) is MedianPruner)
        let percentile = try StudyFactory.makePruner(.percentile(25, options))
        #expect((percentile as? PercentilePruner)?.percentile == 25)
        #expect((percentile as? PercentilePruner)?.nStartupTrials == 2)
        #expect(try StudyFactory.makePruner(.none) is NopPruner)
    }
}

@Suite("Study configs: factories")
struct FactoryTests {
    @Test func tpeOptionsReachTheSampler() throws {
        let config = try StudyConfigParser.parse(yaml: """
            name: t
            direction: minimize
            sampler: {type: tpe, seed: 3, n_startup_trials: 4, n_ei_candidates: 12, multivariate: false,
                      constant_liar: false, prior_weight: 2.0, consider_endpoints: true}
            objective: {type: function, name: branin}
            space: {x1: {float: [-5, 10]}, x2: {float: [0, 15]}}
            """)
        let sampler = try #require(try StudyFactory.makeSampler(config) as? TPESampler)
        #expect(sampler.configuration.nStartupTrials == 4)
        #expect(sampler.configuration.nEICandidates == 12)
        #expect(sampler.configuration.multivariate == false)
        #expect(sampler.configuration.constantLiar == false)
        #expect(sampler.configuration.parzen == ParzenEstimatorParameters(
            priorWeight: 2.0, considerMagicClip: true, considerEndpoints: true))
    }

    @Test func unsetTPEOptionsKeepTheSamplersDefaults() throws {
        let config = try StudyConfigParser.parse(yaml: """
            name: t
            direction: minimize
            sampler: {type: tpe}
            objective: {type: function, name: branin}
            space: {x1: {float: [-5, 10]}}
            """)
        let sampler = try #require(try StudyFactory.makeSampler(config) as? TPESampler)
        let defaults = TPESampler.Configuration()
        #expect(sampler.configuration.multivariate == defaults.multivariate)
        #expect(sampler.configuration.constantLiar == defaults.constantLiar)
    }

    @Test func aSeededTPEStudyFromAConfigIsReproducible() throws {
        let yaml = """
            name: t
            direction: minimize
            sampler: {type: tpe, seed: 11, n_startup_trials: 3}
            objective: {type: function, name: branin}
            space: {x1: {float: [-5, 10]}, x2: {float: [0, 15]}}
            """
        func run() throws -> [[String: ParamValue]] {
            let config = try StudyConfigParser.parse(yaml: yaml)
            let study = try StudyFactory.makeStudy(config)
            var seen: [[String: ParamValue]] = []
            for _ in 0..<8 {
                let trial = try study.ask()
                let params = try config.space.suggest(trial)
                seen.append(params)
                try study.tell(trial, values: [TestFunctions.branin.evaluate(params)])
            }
            return seen
        }
        #expect(try run() == run())
    }

    @Test func ridgeNeedsNoEpochs() throws {
        let config = try StudyConfigParser.parse(yaml: """
            name: r
            direction: maximize
            data: {source: "idx:/usr/share/datasets/fashion-mnist"}
            objective: {type: ridge}
            space: {alpha: {float: [1e-3, 100], log: true}}
            """)
        guard case .trainer(let trainer) = config.objective else {
            Issue.record("expected a trainer")
            return
        }
        #expect(trainer.model == .ridge)
        #expect(config.metrics == ["val_accuracy"])
    }
}

import Foundation
import SweptConfig
import SweptLearn
import SweptWorker
import Testing

@Suite("Data preparation: IDX load, stratified split, scaling, cache")
struct DataPreparationTests {
    let directory: URL

    init() throws {
        directory = try makeTemporaryDirectory()
        try SyntheticIDX.write(to: directory, rows: 300, classes: 3)
    }

    func config(validation: Double = 0.2, seed: UInt64 = 7) -> DataConfig {
        var config = DataConfig(source: .idx(directory: directory.path))
        config.validationFraction = validation
        config.splitSeed = seed
        return config
    }

    func counts(_ dataset: Dataset) -> [Int32: Int] {
        Dictionary(grouping: dataset.labels ?? [], by: { $0 }).mapValues(\.count)
    }

    @Test func theSplitIsStratifiedAndDisjoint() throws {
        let data = try DataPreparation.prepare(config())
        #expect(data.training.rowCount == 240)
        #expect(data.validation.rowCount == 60)
        #expect(counts(data.validation) == [0: 20, 1: 20, 2: 20])
        #expect(counts(data.training) == [0: 80, 1: 80, 2: 80])
        #expect(data.classCount == 3)
        #expect(data.training.featureCount == 36)
        let trainingRows = Set((0..<data.training.rowCount).map { data.training.features.row($0) })
        let overlap = (0..<data.validation.rowCount).filter { trainingRows.contains(data.validation.features.row($0)) }
        #expect(overlap.isEmpty)
    }

    @Test func theSameSeedGivesTheSameSplitAndAnotherSeedAnother() throws {
        let a = try DataPreparation.prepare(config(seed: 7))
        let b = try DataPreparation.prepare(config(seed: 7))
        let c = try DataPreparation.prepare(config(seed: 8))
        #expect(a.validation == b.validation)
        #expect(a.validation != c.validation)
    }

    @Test(arguments: [DataConfig.Scaling.pixels, .standardize, .none])
    func scaling(_ scaling: DataConfig.Scaling) throws {
        var config = config()
        config.scaling = scaling
        let values = try DataPreparation.prepare(config).training.features.values
        switch scaling {
        case .pixels: #expect(values.allSatisfy { (0...1).contains($0) })
        case .none: #expect(values.contains { $0 > 1 })
        case .standardize:
            let mean = values.reduce(0, +) / Float(values.count)
            #expect(abs(mean) < 1e-3)
            #expect(values.contains { $0 < 0 })
        }
    }

    @Test func aRowLimitTakesAStratifiedSubset() throws {
        var config = config(validation: 0.5)
        config.rows = 60
        let data = try DataPreparation.prepare(config)
        #expect(data.training.rowCount + data.validation.rowCount == 60)
        #expect(counts(data.validation) == [0: 10, 1: 10, 2: 10])
    }

    @Test func theCacheLoadsOncePerConfig() throws {
        let cache = PreparedDataCache()
        _ = try cache.data(for: config())
        _ = try cache.data(for: config())
        #expect(cache.loadCount == 1)
        _ = try cache.data(for: config(seed: 9))
        #expect(cache.loadCount == 2)
    }

    @Test func aMissingDirectoryIsNamed() throws {
        let error = try #require(throws: DataPreparationError.self) {
            try DataPreparation.prepare(DataConfig(source: .idx(directory: "/nonexistent/fashion")))
        }
        #expect(error.description.contains("directory '/nonexistent/fashion' does not exist"))
    }

    @Test func missingFilesAreNamed() throws {
        let empty = try makeTemporaryDirectory()
        let error = try #require(throws: DataPreparationError.self) {
            try DataPreparation.prepare(DataConfig(source: .idx(directory: empty.path)))
        }
        #expect(error.description.contains("train-images-idx3-ubyte[.gz] not found"))
    }
}

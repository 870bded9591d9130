/// Visits the Cartesian product of given parameter values, each point once, in a seeded shuffled order
/// (Optuna's `GridSampler`).
///
/// Trial `k` below the grid size takes point `k`; later trials take a random point no finished or running trial
/// holds, else one whose trial is still running, else a random repeat. Finished trials of any state (COMPLETE,
/// PRUNED, FAIL) count as visited; `isExhausted` turns true when every point is visited. Enqueued trials keep
/// their fixed params and do not take a grid point. The point a trial takes is stored in its system attributes
/// (`grid_id`, `search_space`), so a restored study continues the same grid.
public final class GridSampler: Sampler {
    /// Parameter names, sorted.
    public let paramNames: [String]
    /// Each parameter's values in the order given, by name.
    public let searchSpace: [String: [ParamValue]]
    /// Grid points after the seeded shuffle; each holds one value per entry of `paramNames`.
    public let points: [[ParamValue]]
    private var random: TuningRandom
    private let searchSpaceAttribute: AttributeValue

    /// The system attribute key holding a trial's grid point index.
    public static let gridIDKey = "grid_id"
    /// The system attribute key holding the grid's search space.
    public static let searchSpaceKey = "search_space"

    /// Creates a grid over `searchSpace`, shuffled with `seed` (0 by default, as in Optuna).
    /// - Throws: `TuningError.invalidArgument` when a parameter has no values.
    public init(searchSpace: [String: [ParamValue]], seed: UInt64 = 0) throws {
        for (name, values) in searchSpace where values.isEmpty {
            throw TuningError(.invalidArgument, "parameter '\(name)': grid values must not be empty")
        }
        let names = searchSpace.keys.sorted()
        var product: [[ParamValue]] = [[]]
        for name in names {
            let values = searchSpace[name] ?? []
            product = product.flatMap { prefix in values.map { prefix + [$0] } }
        }
        var random = TuningRandom(seed: seed)
        if product.count > 1 {
            for index in stride(from: product.count - 1, to: 0, by: -1) {
                product.swapAt(index, random.index(below: index + 1))
            }
        }
        self.paramNames = names
        self.searchSpace = searchSpace
        self.points = product
        self.random = random
        self.searchSpaceAttribute = .object(searchSpace.mapValues { .array($0.map(AttributeValue.init)) })
    }

    /// How many points the grid has.
    public var gridSize: Int { points.count }

    /// Grid point `id` as a name → value map.
    public func point(_ id: Int) -> [String: ParamValue] {
        Dictionary(uniqueKeysWithValues: zip(paramNames, points[id]))
    }

    public func beforeTrial(study: any StudyView, trial: FrozenTrial) -> [String: AttributeValue] {
        if trial.systemAttributes[GridSampler.gridIDKey] != nil || trial.fixedParams != nil { return [:] }
        let id: Int
        if trial.number < gridSize {
            id = trial.number
        } else {
            var targets = unvisitedPoints(study: study)
            if targets.isEmpty { targets = Array(0..<gridSize) }  // all done: a repeat
            id = targets[random.index(below: targets.count)]
        }
        return [GridSampler.gridIDKey: .int(id), GridSampler.searchSpaceKey: searchSpaceAttribute]
    }

    public func sampleIndependent(
        study: any StudyView, trial: FrozenTrial, name: String, distribution: Distribution
    ) throws -> Double {
        guard let id = trial.systemAttributes[GridSampler.gridIDKey]?.intValue else {
            throw TuningError(
                .unknownParameter,
                "parameter '\(name)': an enqueued trial under GridSampler must fix every parameter it suggests"
            )
        }
        guard let column = paramNames.firstIndex(of: name) else {
            throw TuningError(
                .unknownParameter,
                "parameter '\(name)': not in the grid (grid parameters: [\(paramNames.joined(separator: ", "))])"
            )
        }
        guard points.indices.contains(id) else {
            throw TuningError(
                .invalidArgument, "grid_id \(id) of trial \(trial.number) is outside the grid of \(gridSize)"
            )
        }
        let value = points[id][column]
        let internalValue: Double
        do {
            internalValue = try distribution.toInternal(value)
        } catch let error as TuningError {
            throw TuningError(error.code, "grid value does not fit: \(error.message)").naming(parameter: name)
        }
        guard distribution.contains(internal: internalValue) else {
            throw TuningError(.invalidValue, "parameter '\(name)': grid value \(value) is outside \(distribution)")
        }
        return internalValue
    }

    public func isExhausted(study: any StudyView) -> Bool {
        visitState(study: study).visited.count == gridSize
    }

    /// Grid points with no finished or running trial; when every point has started, those not yet finished.
    public func unvisitedPoints(study: any StudyView) -> [Int] {
        let (visited, running) = visitState(study: study)
        var targets = (0..<gridSize).filter { !visited.contains($0) && !running.contains($0) }
        if targets.isEmpty { targets = (0..<gridSize).filter { !visited.contains($0) } }
        return targets
    }

    private func visitState(study: any StudyView) -> (visited: Set<Int>, running: Set<Int>) {
        var visited = Set<Int>()
        var running = Set<Int>()
        for trial in study.trials {
            guard let id = trial.systemAttributes[GridSampler.gridIDKey]?.intValue,
                trial.systemAttributes[GridSampler.searchSpaceKey] == searchSpaceAttribute
            else { continue }
            if trial.state.isFinished {
                visited.insert(id)
            } else if trial.state == .running {
                running.insert(id)
            }
        }
        return (visited, running)
    }
}

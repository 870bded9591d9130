/// Turns the objective spec a trial assignment carries (JSON text) into something runnable.
///
/// The built-in kinds are always known: test functions, and the trainers and external commands a YAML study config
/// declares (carried as a `study-config` spec, see `StudyObjectives`). Further kinds are added by whoever builds the
/// worker, as resolvers tried after those.
public struct ObjectiveResolver: Sendable {
    /// One way to read a spec: returns `nil` when the spec is not its kind.
    public typealias Resolve = @Sendable (String) throws -> (any Objective)?

    private var resolvers: [Resolve]

    /// A resolver that knows the built-in kinds, then `extra` in order.
    public init(extra: [Resolve] = []) {
        resolvers = [
            { spec in try TestFunctionObjective(spec: spec) },
            { spec in try StudyObjectives.resolve(spec) },
        ] + extra
    }

    /// The objective for `spec`.
    /// - Throws: `ObjectiveSpecError` when no resolver knows the spec, or the one that does rejects it.
    public func objective(for spec: String) throws -> any Objective {
        for resolve in resolvers {
            if let objective = try resolve(spec) { return objective }
        }
        throw ObjectiveSpecError("no objective of this kind is known to this worker: \(spec.prefix(200))")
    }
}

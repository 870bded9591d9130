import CSweptKernels
import Testing
@testable import SweptLearn

/// The C kernels (multiversioned for AVX2 / AVX-512) against plain Swift loops with the same per-element arithmetic,
/// bit for bit, on random inputs whose lengths are and are not multiples of the vector widths (4, 8, 16).
@Suite struct CKernelsTests {
    static let lengths = [1, 3, 7, 15, 16, 17, 31, 33, 100, 1001]

    /// Random floats of both signs with exact zeros mixed in (relu's and Adam's edge), from a seeded generator.
    static func randomFloats(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { i in i % 5 == 2 ? 0 : Float(generator.nextNormal()) * scale }
    }

    /// The reference Adam update (as `OptimizerKernels.adam` computed it in Swift before the C kernel).
    static func referenceAdam(
        _ p: inout [Float], _ g: [Float], _ m: inout [Float], _ v: inout [Float], l2: Float, b1: Float, b2: Float,
        shrink: Float, stepSize: Float, epsHat: Float
    ) {
        let ob1 = 1 - b1
        let ob2 = 1 - b2
        for i in p.indices {
            let grad = g[i] + l2 * p[i]
            let mi = b1 * m[i] + ob1 * grad
            let vi = b2 * v[i] + ob2 * grad * grad
            m[i] = mi
            v[i] = vi
            let root = (vi > 0 ? vi : 0).squareRoot()
            p[i] = p[i] * shrink - stepSize * mi / (root + epsHat)
        }
    }

    @Test(arguments: lengths, [(Float(0), Float(1)), (0.01, 1), (0, 0.9999)])
    func adamMatchesTheSwiftReferenceBitForBit(count: Int, decay: (l2: Float, shrink: Float)) {
        let p0 = Self.randomFloats(count, seed: 1)
        let g0 = Self.randomFloats(count, seed: 2, scale: 0.1)
        let m0 = Self.randomFloats(count, seed: 3, scale: 0.01)
        let v0 = Self.randomFloats(count, seed: 4, scale: 0.01).map { $0 * $0 }
        let (b1, b2, stepSize, epsHat): (Float, Float, Float, Float) = (0.9, 0.999, 3.1e-3, 4.4e-10)
        var (rp, rm, rv) = (p0, m0, v0)
        Self.referenceAdam(
            &rp, g0, &rm, &rv, l2: decay.l2, b1: b1, b2: b2, shrink: decay.shrink, stepSize: stepSize,
            epsHat: epsHat)
        for clear in [false, true] {
            var (p, g, m, v) = (p0, g0, m0, v0)
            swept_adam(
                &p, &g, &m, &v, count, decay.l2, b1, 1 - b1, b2, 1 - b2, decay.shrink, stepSize, epsHat,
                clear ? 1 : 0)
            #expect(p.map(\.bitPattern) == rp.map(\.bitPattern))
            #expect(m.map(\.bitPattern) == rm.map(\.bitPattern))
            #expect(v.map(\.bitPattern) == rv.map(\.bitPattern))
            #expect(g.map(\.bitPattern) == (clear ? [Float](repeating: 0, count: count) : g0).map(\.bitPattern))
        }
        #expect(rp != p0)
    }

    @Test(arguments: lengths)
    func bytesToFloatsMatchesTheSwiftConversion(count: Int) {
        var generator = SeededGenerator(seed: UInt64(count))
        var bytes = (0..<count).map { _ in UInt8(generator.nextIndex(below: 256)) }
        bytes[0] = 255
        let scale: Float = 1.0 / 255.0
        var out = [Float](repeating: -1, count: count)
        swept_bytes_to_floats(bytes, scale, &out, count)
        #expect(out.map(\.bitPattern) == bytes.map { (Float($0) * scale).bitPattern })
        #expect(out[0] == 1)
    }

    @Test(arguments: [1, 3, 7, 16, 19, 100], [1, 5])
    func biasReluMatchesTheSwiftLoop(columns: Int, rows: Int) {
        let z = Self.randomFloats(rows * columns, seed: 5)
        let bias = Self.randomFloats(columns, seed: 6, scale: 0.5)
        var a = [Float](repeating: .nan, count: rows * columns)
        swept_bias_relu(z, bias, &a, rows, columns)
        let expected = (0..<(rows * columns)).map { i -> Float in
            let s = z[i] + bias[i % columns]
            return s > 0 ? s : 0
        }
        #expect(a.map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(a.contains(0) && a.contains { $0 > 0 } || rows * columns < 4)
    }

    @Test(arguments: lengths)
    func reluBackwardMatchesTheSwiftLoop(count: Int) {
        let a = Self.randomFloats(count, seed: 7).map { max($0, 0) }
        let g0 = Self.randomFloats(count, seed: 8).map { $0 == 0 ? 1 : $0 }
        var g = g0
        swept_relu_backward(&g, a, count)
        #expect(g.map(\.bitPattern) == (0..<count).map { (a[$0] > 0 ? g0[$0] : 0).bitPattern })
    }

    @Test(arguments: [1, 7, 40, 784], [1, 5, 6, 7, 13, 64])
    func gatherBytesMatchesRowByRowConversion(width: Int, rows: Int) {
        var generator = SeededGenerator(seed: UInt64(width * 100 + rows))
        let sourceRows = 70
        let bytes = (0..<(sourceRows * width)).map { _ in UInt8(generator.nextIndex(below: 256)) }
        let order = (0..<rows).map { _ in Int32(generator.nextIndex(below: sourceRows)) }
        let scale: Float = 1.0 / 255.0
        var out = [Float](repeating: -1, count: rows * width)
        bytes.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            swept_prefetch_rows(base, width, order, rows)
            swept_gather_bytes(base, width, order, rows, scale, &out)
        }
        var expected: [Float] = []
        for r in 0..<rows {
            let row = Int(order[r]) * width
            expected += bytes[row..<(row + width)].map { Float($0) * scale }
        }
        #expect(out.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    /// `backward` with `weightGradientsAreZero` accumulates onto the (zeroed) gradient buffer: same bits as the
    /// β = 0 product; and the flag really selects accumulation (a non-zero buffer shows through).
    @Test func accumulatingOntoClearedGradientsGivesTheSameBits() throws {
        let data = try TestData.blobs(rows: 37, features: 9, classes: 3, seed: 11)
        let network = try NeuralNetwork.mlp(inputCount: 9, hidden: [13, 6], classes: 3, seed: 5)
        let workspace = Workspace(network: network, capacity: data.rowCount, training: true)
        let order = (0..<data.rowCount).map { Int32($0) }
        workspace.gather(data, order: order, start: 0, count: data.rowCount)
        let last = network.layouts.count - 1
        func gradients(zeroed: Bool, fill: Float) -> [Float] {
            let buffer = workspace.parameterGradients
            for i in buffer.indices { buffer[i] = fill }
            workspace.weightGradientsAreZero = zeroed
            network.parameters.withUnsafeBufferPointer { p in
                guard let base = p.baseAddress else { return }
                workspace.forward(parameters: base, rows: data.rowCount, dropoutGenerator: nil)
                _ = LossKernels.lossAndGradient(
                    head: network.head, logits: workspace.outputs[last], labels: workspace.labels,
                    targets: workspace.targets, rows: data.rowCount, gradient: workspace.gradients[last])
                workspace.backward(parameters: base, rows: data.rowCount, dropoutActive: false)
            }
            #expect(!workspace.weightGradientsAreZero)
            return Array(workspace.parameterGradients)
        }
        let overwritten = gradients(zeroed: false, fill: 7)
        let accumulated = gradients(zeroed: true, fill: 0)
        #expect(accumulated.map(\.bitPattern) == overwritten.map(\.bitPattern))
        let stale = gradients(zeroed: true, fill: 1)
        let weight = network.layouts[0].weightOffset
        #expect(stale[weight] == accumulated[weight] + 1)
    }

    /// Adam through `OptimizerState.update(clearGradients:)` leaves every gradient at zero and the same parameters.
    @Test func optimizerUpdateClearsGradientsOnlyWhenAsked() throws {
        let network = try NeuralNetwork.mlp(inputCount: 5, hidden: [7], classes: 3, seed: 2)
        let count = network.parameters.count
        let gradients = Self.randomFloats(count, seed: 9, scale: 0.1)
        var results: [[Float]] = []
        for clear in [false, true] {
            var state = OptimizerState(optimizer: .adam(), weightDecay: 1e-3, parameterCount: count)
            #expect(state.clearsGradients)
            var parameters = network.parameters
            var g = gradients
            parameters.withUnsafeMutableBufferPointer { p in
                g.withUnsafeMutableBufferPointer { gb in
                    state.update(
                        parameters: p, gradients: gb, layouts: network.layouts, learningRate: 1e-2,
                        clearGradients: clear)
                }
            }
            #expect(g == (clear ? [Float](repeating: 0, count: count) : gradients))
            results.append(parameters)
        }
        #expect(results[0].map(\.bitPattern) == results[1].map(\.bitPattern))
        #expect(results[0] != network.parameters)
        #expect(!OptimizerState(optimizer: .sgd(), weightDecay: 0, parameterCount: 1).clearsGradients)
    }
}

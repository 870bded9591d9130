import Testing
@testable import SweptLearn

@Suite struct ActivationTests {
    @Test(arguments: [Activation.relu, .tanh, .gelu, .sigmoid, .identity])
    func backwardMatchesFiniteDifferences(activation: Activation) throws {
        let inputs: [Float] = [-2.5, -1, -0.3, 0.2, 0.7, 1.9]
        let n = inputs.count
        var z = inputs
        var a = [Float](repeating: 0, count: n)
        let bias = [Float](repeating: 0, count: n)
        ActivationKernels.forward(activation, z: &z, bias: bias, a: &a, rows: 1, columns: n)
        var gradient = [Float](repeating: 1, count: n)
        ActivationKernels.backward(activation, gradient: &gradient, a: a, z: z, count: n)
        let h: Float = 1e-3
        for i in 0..<n {
            let plus = Matrix(uncheckedRows: 1, columns: 1, values: [inputs[i] + h]).applying(activation).values[0]
            let minus = Matrix(uncheckedRows: 1, columns: 1, values: [inputs[i] - h]).applying(activation).values[0]
            let numeric = (plus - minus) / (2 * h)
            #expect(abs(numeric - gradient[i]) < 2e-3, "\(activation) at \(inputs[i]): \(numeric) vs \(gradient[i])")
        }
    }

    @Test func forwardValuesAreTheTextbookOnes() {
        let x = Matrix(uncheckedRows: 1, columns: 3, values: [-1, 0, 2])
        #expect(x.applying(.relu).values == [0, 0, 2])
        #expect(close(x.applying(.sigmoid).values, [0.268_941_4, 0.5, 0.880_797]))
        #expect(close(x.applying(.tanh).values, [-0.761_594_2, 0, 0.964_027_6]))
        #expect(close(x.applying(.gelu).values, [-0.158_808, 0, 1.954_598], tolerance: 1e-3))
    }

    @Test func sigmoidIsStableForLargeInputs() {
        let x = Matrix(uncheckedRows: 1, columns: 2, values: [-200, 200])
        #expect(x.applying(.sigmoid).values == [0, 1])
    }
}

#ifndef SWEPT_CKERNELS_H
#define SWEPT_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Elementwise kernels for SweptLearn where BLAS has none, compiled for several x86-64 levels (baseline, AVX2,
/// AVX-512) with the best one picked at load time. Every path computes each element with the same IEEE operations
/// in the same order (no contraction into FMA), so results are bit-identical across paths and equal to the Swift
/// reference loops.

/// Adam / AdamW update of `n` parameters: for each i,
///   grad = g[i] + l2 * p[i]
///   m[i] = b1 * m[i] + ob1 * grad
///   v[i] = b2 * v[i] + ob2 * grad * grad
///   p[i] = p[i] * shrink - step_size * m[i] / (sqrt(v[i]) + eps_hat)
/// With `clear_gradient` nonzero, also sets g[i] = 0 (so the next gradient product may accumulate with beta = 1).
void swept_adam(float *p, float *g, float *m, float *v, ptrdiff_t n, float l2, float b1, float ob1, float b2,
                float ob2, float shrink, float step_size, float eps_hat, int clear_gradient);

/// out[j] = (float)source[j] * scale for j in 0..<n.
void swept_bytes_to_floats(const uint8_t *source, float scale, float *out, ptrdiff_t n);

/// Gathers rows: for r in 0..<rows, out[r·width + j] = (float)source[order[r]·width + j] · scale. Rows a few
/// places ahead are prefetched, so the random row reads overlap instead of waiting on memory one by one.
void swept_gather_bytes(const uint8_t *source, ptrdiff_t width, const int32_t *order, ptrdiff_t rows, float scale,
                        float *out);

/// Asks the CPU to start loading rows order[0..<rows] (each `row_bytes` long) of `source` into its caches, and
/// returns without waiting: a later gather of the same rows then finds them in cache.
void swept_prefetch_rows(const uint8_t *source, ptrdiff_t row_bytes, const int32_t *order, ptrdiff_t rows);

/// a[r, j] = max(z[r, j] + bias[j], 0) over a row-major rows × columns block (relu keeps +0 for non-positive sums).
void swept_bias_relu(const float *z, const float *bias, float *a, ptrdiff_t rows, ptrdiff_t columns);

/// g[i] = a[i] > 0 ? g[i] : 0 for i in 0..<n.
void swept_relu_backward(float *g, const float *a, ptrdiff_t n);

#endif

// Elementwise kernels for SweptLearn (see include/CKernels.h).
//
// Bit-identical across instruction sets: contraction into fused multiply-add is off for this file (FMA rounds once
// where the Swift reference rounds twice), square root and division are correctly rounded IEEE operations on every
// path, and each element's arithmetic does not depend on the vector width (no reductions here).
#pragma clang fp contract(off)

#include "learn_kernels.h"

#if defined(__x86_64__) && defined(__clang__) && defined(__ELF__) && !defined(SWEPT_NO_CLONES)
// One copy per level, chosen once by the dynamic loader (ifunc, so ELF only) from the CPU's features.
#define SWEPT_MULTIVERSION __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SWEPT_MULTIVERSION
#endif

#if defined(__has_builtin)
#if __has_builtin(__builtin_elementwise_sqrt)
// llvm.sqrt without libm's errno semantics, so the loop vectorizes (the argument is never negative here).
#define SWEPT_SQRT(x) __builtin_elementwise_sqrt(x)
#endif
#endif
#ifndef SWEPT_SQRT
#define SWEPT_SQRT(x) __builtin_sqrtf(x)
#endif

SWEPT_MULTIVERSION
void swept_adam(float *restrict p, float *restrict g, float *restrict m, float *restrict v, ptrdiff_t n, float l2,
                float b1, float ob1, float b2, float ob2, float shrink, float step_size, float eps_hat,
                int clear_gradient) {
    if (clear_gradient) {
        for (ptrdiff_t i = 0; i < n; i++) {
            float grad = g[i] + l2 * p[i];
            float mi = b1 * m[i] + ob1 * grad;
            float vi = b2 * v[i] + ob2 * grad * grad;
            m[i] = mi;
            v[i] = vi;
            float root = SWEPT_SQRT(vi > 0.0f ? vi : 0.0f);
            p[i] = p[i] * shrink - step_size * mi / (root + eps_hat);
            g[i] = 0.0f;
        }
    } else {
        for (ptrdiff_t i = 0; i < n; i++) {
            float grad = g[i] + l2 * p[i];
            float mi = b1 * m[i] + ob1 * grad;
            float vi = b2 * v[i] + ob2 * grad * grad;
            m[i] = mi;
            v[i] = vi;
            float root = SWEPT_SQRT(vi > 0.0f ? vi : 0.0f);
            p[i] = p[i] * shrink - step_size * mi / (root + eps_hat);
        }
    }
}

SWEPT_MULTIVERSION
void swept_bytes_to_floats(const uint8_t *restrict source, float scale, float *restrict out, ptrdiff_t n) {
    for (ptrdiff_t j = 0; j < n; j++) out[j] = (float)source[j] * scale;
}

SWEPT_MULTIVERSION
void swept_bias_relu(const float *restrict z, const float *restrict bias, float *restrict a, ptrdiff_t rows,
                     ptrdiff_t columns) {
    for (ptrdiff_t r = 0; r < rows; r++) {
        const float *zr = z + r * columns;
        float *ar = a + r * columns;
        for (ptrdiff_t j = 0; j < columns; j++) {
            float s = zr[j] + bias[j];
            ar[j] = s > 0.0f ? s : 0.0f;
        }
    }
}

SWEPT_MULTIVERSION
void swept_relu_backward(float *restrict g, const float *restrict a, ptrdiff_t n) {
    for (ptrdiff_t i = 0; i < n; i++) {
        float gi = g[i];
        g[i] = a[i] > 0.0f ? gi : 0.0f;
    }
}

/// Prefetch distance of the row gather, in rows.
enum { SWEPT_GATHER_AHEAD = 6 };

static inline void swept_prefetch_row(const uint8_t *row, ptrdiff_t row_bytes) {
    for (ptrdiff_t offset = 0; offset < row_bytes; offset += 64) __builtin_prefetch(row + offset, 0, 3);
    __builtin_prefetch(row + row_bytes - 1, 0, 3);
}

SWEPT_MULTIVERSION
void swept_gather_bytes(const uint8_t *restrict source, ptrdiff_t width, const int32_t *restrict order,
                        ptrdiff_t rows, float scale, float *restrict out) {
    if (width <= 0) return;
    for (ptrdiff_t r = 0; r < rows && r < SWEPT_GATHER_AHEAD; r++) {
        swept_prefetch_row(source + (ptrdiff_t)order[r] * width, width);
    }
    for (ptrdiff_t r = 0; r < rows; r++) {
        if (r + SWEPT_GATHER_AHEAD < rows) {
            swept_prefetch_row(source + (ptrdiff_t)order[r + SWEPT_GATHER_AHEAD] * width, width);
        }
        const uint8_t *restrict row = source + (ptrdiff_t)order[r] * width;
        float *restrict target = out + r * width;
        for (ptrdiff_t j = 0; j < width; j++) target[j] = (float)row[j] * scale;
    }
}

void swept_prefetch_rows(const uint8_t *source, ptrdiff_t row_bytes, const int32_t *order, ptrdiff_t rows) {
    if (row_bytes <= 0) return;
    for (ptrdiff_t r = 0; r < rows; r++) swept_prefetch_row(source + (ptrdiff_t)order[r] * row_bytes, row_bytes);
}

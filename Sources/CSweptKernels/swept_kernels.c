#include "swept_kernels.h"

#include <string.h>

#pragma clang fp contract(off)

#if defined(__x86_64__) && defined(__linux__)
#define SWEPT_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define SWEPT_CLONES
#endif

/// One chunk of `CH` components starting at `j0`: the sums in registers, one pass over the packed features.
#define SWEPT_CHUNK(CH)                                                                                          \
    static inline __attribute__((always_inline)) void swept_chunk_##CH(                                         \
        const float *block, long width, long j0, long nc, long nd, const float *s, const int32_t *bc, long ncat, \
        const int32_t *x, const float *hits, const float *misses, float *row, float *mx) {                       \
        float acc[CH];                                                                                           \
        const float *constant = block + 2 * nc * width + j0;                                                     \
        if (nc == 0) {                                                                                           \
            for (int j = 0; j < CH; j++) acc[j] = constant[j];                                                   \
        }                                                                                                        \
        for (long c = 0; c < nc; c += 4) {                                                                       \
            long left = nc - c;                                                                                  \
            const float *a[4], *b[4];                                                                            \
            float r[4], q[4];                                                                                    \
            for (int t = 0; t < 4; t++) {                                                                        \
                long d = c + t < nc ? c + t : nc - 1;                                                            \
                int real = c + t < nc;                                                                           \
                a[t] = block + 2 * d * width + j0;                                                               \
                b[t] = a[t] + width;                                                                             \
                r[t] = real ? s[2 * d] : 0;                                                                      \
                q[t] = real ? s[2 * d + 1] : 0;                                                                  \
            }                                                                                                    \
            if (c == 0) {                                                                                        \
                for (int j = 0; j < CH; j++) {                                                                   \
                    float sum = (a[0][j] * r[0] + b[0][j] * q[0] + (a[1][j] * r[1] + b[1][j] * q[1]))            \
                        + (a[2][j] * r[2] + b[2][j] * q[2] + (a[3][j] * r[3] + b[3][j] * q[3]));                 \
                    acc[j] = constant[j] + sum;                                                                  \
                }                                                                                                \
            } else if (left == 3) {                                                                              \
                for (int j = 0; j < CH; j++)                                                                     \
                    acc[j] += (a[0][j] * r[0] + b[0][j] * q[0] + (a[1][j] * r[1] + b[1][j] * q[1]))              \
                        + (a[2][j] * r[2] + b[2][j] * q[2]);                                                     \
            } else {                                                                                             \
                for (int j = 0; j < CH; j++)                                                                     \
                    acc[j] += (a[0][j] * r[0] + b[0][j] * q[0] + (a[1][j] * r[1] + b[1][j] * q[1]))              \
                        + (a[2][j] * r[2] + b[2][j] * q[2] + (a[3][j] * r[3] + b[3][j] * q[3]));                 \
            }                                                                                                    \
        }                                                                                                        \
        for (long c = 0; c < ncat; c++) {                                                                        \
            const int32_t *chosen = bc + c * width + j0;                                                         \
            int32_t xc = x[c];                                                                                   \
            float hit = hits[c], miss = misses[c];                                                               \
            for (int j = 0; j < CH; j++) acc[j] += chosen[j] == xc ? hit : miss;                                 \
        }                                                                                                        \
        for (long c = 0; c < nd; c++) {                                                                          \
            const float *mu = block + (2 * nc + 1 + 3 * c) * width + j0, *inv = mu + width, *off = inv + width;  \
            float l = s[2 * nc + 3 * c], rr = s[2 * nc + 3 * c + 1], lw = s[2 * nc + 3 * c + 2];                 \
            for (int j = 0; j < CH; j++) {                                                                       \
                float lo = l - mu[j], hi = mu[j] - rr;                                                           \
                float far = hi >= lo ? hi : lo;                                                                  \
                float dist = (far >= 0.0f ? far : 0.0f) * inv[j];                                                \
                float v = lw - off[j] - 0.5f * dist * dist;                                                      \
                acc[j] += v < 0.0f ? v : 0.0f;                                                                   \
            }                                                                                                    \
        }                                                                                                        \
        for (int j = 0; j < CH; j++) {                                                                           \
            row[j0 + j] = acc[j];                                                                                \
            mx[j] = acc[j] > mx[j] ? acc[j] : mx[j];                                                             \
        }                                                                                                        \
    }

SWEPT_CHUNK(32)
SWEPT_CHUNK(8)

SWEPT_CLONES
float swept_tpe_bound_row(
    const float *block, long width, long padded, long continuous, long discrete, const float *scalars,
    const int32_t *block_choices, long categorical, const int32_t *choices, const float *hits,
    const float *misses, float *row) {
    float mx32[32], mx8[8];
    for (int j = 0; j < 32; j++) mx32[j] = -__builtin_inff();
    for (int j = 0; j < 8; j++) mx8[j] = -__builtin_inff();
    long j0 = 0;
    for (; j0 + 32 <= padded; j0 += 32)
        swept_chunk_32(block, width, j0, continuous, discrete, scalars, block_choices, categorical, choices, hits,
                       misses, row, mx32);
    for (; j0 < padded; j0 += 8)
        swept_chunk_8(block, width, j0, continuous, discrete, scalars, block_choices, categorical, choices, hits,
                      misses, row, mx8);
    // The maximum is exact, so the order of the reduction does not matter (NaNs never win a comparison).
    for (int j = 0; j < 8; j++) {
        float a = mx32[j] > mx32[j + 8] ? mx32[j] : mx32[j + 8];
        float b = mx32[j + 16] > mx32[j + 24] ? mx32[j + 16] : mx32[j + 24];
        float c = a > b ? a : b;
        mx8[j] = c > mx8[j] ? c : mx8[j];
    }
    float m = mx8[0];
    for (int j = 1; j < 8; j++) m = mx8[j] > m ? mx8[j] : m;
    return m;
}

SWEPT_CLONES
float swept_pack_floats(const double *restrict src, float *restrict dst, long n, long padded, float pad,
                        int skip_infinity) {
    int32_t largest = 0;
    const int32_t infinity = 0x7f800000;
    for (long j = 0; j < n; j++) dst[j] = (float)src[j];
    for (long j = n; j < padded; j++) dst[j] = pad;
    if (skip_infinity) {
        for (long j = 0; j < n; j++) {
            int32_t bits;
            memcpy(&bits, dst + j, 4);
            bits &= 0x7fffffff;
            largest = bits > largest && bits != infinity ? bits : largest;
        }
    } else {
        for (long j = 0; j < n; j++) {
            int32_t bits;
            memcpy(&bits, dst + j, 4);
            bits &= 0x7fffffff;
            largest = bits > largest ? bits : largest;
        }
    }
    float out;
    memcpy(&out, &largest, 4);
    return out;
}

SWEPT_CLONES
long swept_first_equal(const float *row, long n, float value) {
    long j = 0;
    // Sixteen at a time (a vectorized test), then the exact place.
    for (; j + 16 <= n - 1; j += 16) {
        int any = 0;
        for (int k = 0; k < 16; k++) any |= row[j + k] == value;
        if (any) break;
    }
    while (j < n - 1 && !(row[j] == value)) j++;
    return j;
}

SWEPT_CLONES
long swept_list_above(
    const float *row, long n, float threshold, double slack, long offset, int32_t *listed, double *bounds,
    long capacity) {
    long count = 0, j = 0;
    for (; j + 16 <= n; j += 16) {
        int any = 0;
        for (int k = 0; k < 16; k++) any |= row[j + k] > threshold;
        if (!any) continue;
        if (count + 16 <= capacity) {
            // Without branches: every slot is written, the count moves only past the survivors.
            for (int k = 0; k < 16; k++) {
                listed[count] = (int32_t)(offset + j + k);
                bounds[count] = (double)row[j + k] + slack;
                count += row[j + k] > threshold;
            }
        } else {
            for (int k = 0; k < 16; k++) {
                if (row[j + k] > threshold) {
                    listed[count] = (int32_t)(offset + j + k);
                    bounds[count] = (double)row[j + k] + slack;
                    count++;
                }
            }
        }
    }
    for (; j < n; j++) {
        if (row[j] > threshold) {
            listed[count] = (int32_t)(offset + j);
            bounds[count] = (double)row[j] + slack;
            count++;
        }
    }
    return count;
}

/// `swept_narrow_series` for `lanes` ≤ 8 intervals side by side (each interval's recurrence is a chain of
/// dependent multiplies, so independent intervals are what keeps the vector units busy).
static inline __attribute__((always_inline)) void swept_narrow_lanes(
    const double *centers, const double *widths, double *out, int lanes) {
    double c[8], t2[8], previous[8], current[8], sum[8], scale[8];
    for (int l = 0; l < lanes; l++) {
        c[l] = centers[l];
        t2[l] = 0.25 * widths[l] * widths[l];
        previous[l] = 1;
        current[l] = c[l];
        sum[l] = 1;
        scale[l] = 1;
    }
    for (int k = 0; k < 12; k++) {
        double m = 2 * k + 1, factor = 1 / ((m + 1) * (m + 2));
        for (int l = 0; l < lanes; l++) {
            double even = c[l] * current[l] - m * previous[l];
            scale[l] *= t2[l] * factor;
            sum[l] += even * scale[l];
            double odd = c[l] * even - (m + 1) * current[l];
            previous[l] = even;
            current[l] = odd;
        }
    }
    for (int l = 0; l < lanes; l++) out[l] = sum[l];
}

SWEPT_CLONES void swept_narrow_series(const double *centers, const double *widths, double *out, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) swept_narrow_lanes(centers + i, widths + i, out + i, 8);
    if (i < n) swept_narrow_lanes(centers + i, widths + i, out + i, (int)(n - i));
}

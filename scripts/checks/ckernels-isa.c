// Runs every SweptLearn kernel of CSweptKernels on fixed pseudo-random inputs and prints one hash of all outputs. Built once per
// x86-64 level by scripts/checks/ckernels-isa: equal hashes mean the baseline, AVX2 and AVX-512 copies give the same
// bits.
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include "learn_kernels.h"
static uint64_t s = 88172645463325252ull;
static float rnd(void) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return ((int64_t)(s >> 11) - (1ll << 52)) / (float)(1ll << 52); }
int main(void) {
    enum { N = 100003 };
    static float p[N], g[N], m[N], v[N], z[N], b[N], a[N];
    static uint8_t bytes[N]; static int32_t order[1000];
    for (int i = 0; i < N; i++) { p[i] = rnd(); g[i] = rnd() * 0.1f; m[i] = rnd() * 0.01f; v[i] = rnd() * rnd() * 0.001f; if (v[i] < 0) v[i] = -v[i]; z[i] = rnd(); b[i] = rnd(); bytes[i] = (uint8_t)(s >> 7); }
    for (int i = 0; i < 1000; i++) order[i] = (int32_t)((s = s * 6364136223846793005ull + 1) >> 33) % 127;
    for (int t = 0; t < 5; t++) swept_adam(p, g, m, v, N, 0.001f * t, 0.9f, 1 - 0.9f, 0.999f, 1 - 0.999f, 0.9999f, 3.1e-3f, 4.4e-10f, 0);
    swept_bias_relu(z, b, a, 1000, 100);
    static float out[784 * 100];
    swept_gather_bytes(bytes, 784, order, 100, 1.0f / 255.0f, out);
    uint64_t h = 1469598103934665603ull;
    #define HASH(arr, n) for (size_t i = 0; i < (size_t)(n) * sizeof((arr)[0]); i++) { h ^= ((unsigned char *)(arr))[i]; h *= 1099511628211ull; }
    HASH(p, N) HASH(m, N) HASH(v, N) HASH(a, 100000) HASH(out, 784 * 100)
    swept_relu_backward(g, a, N - 3); HASH(g, N)
    printf("%016llx\n", (unsigned long long)h);
    return 0;
}

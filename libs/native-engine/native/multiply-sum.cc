// multiplySum: the sum of a * b over one contiguous run of axes, in one pass. It is the gradient of a broadcast
// Multiply for the operand that was broadcast (EfficientNet's squeeze-excite gate, x * scale with scale [N,1,1,C]):
// tfjs writes the full-size product dy * x, then sums it, two extra full-size passes per block.
#include "common.h"

namespace dfl {
namespace {

// multiplySum(a, b, [outer, reduced, inner], out): a and b viewed as [outer][reduced][inner], out as [outer][inner];
// out = Σ over reduced of a * b. Each product is rounded to float (as tfjs' Multiply stores it), sums are double.
Napi::Value MultiplySum(const Napi::CallbackInfo &info) {
  return guarded(info, [&]() -> Napi::Value {
    ScopedTimer timer("multiplySum");
    auto p = intParams(info[2], 3, "dims");
    const int64_t outer = p[0], reduced = p[1], inner = p[2];
    const int64_t total = outer * reduced * inner;
    const float *a = floatData(info[0], total, "a");
    const float *b = floatData(info[1], total, "b");
    float *out = floatData(info[3], outer * inner, "out");
    // Rows [r0, r1) of block o added into acc[inner].
    auto accumulate = [&](int64_t o, int64_t r0, int64_t r1, double *acc) {
      const float *pa = a + o * reduced * inner, *pb = b + o * reduced * inner;
      for (int64_t r = r0; r < r1; r++) {
        const float *ra = pa + r * inner, *rb = pb + r * inner;
#pragma omp simd
        for (int64_t i = 0; i < inner; i++) acc[i] += double(ra[i] * rb[i]);
      }
    };
    const int threads = omp_get_max_threads();
    if (total < kParallelMin || outer >= threads) {
#pragma omp parallel for schedule(static) if (total >= kParallelMin)
      for (int64_t o = 0; o < outer; o++) {
        std::vector<double> acc(inner, 0.0);
        accumulate(o, 0, reduced, acc.data());
        for (int64_t i = 0; i < inner; i++) out[o * inner + i] = float(acc[i]);
      }
      return info.Env().Undefined();
    }
    // Few output blocks (a per-channel sum over n, h, w): split the reduced axis, then add the partials in order.
    std::vector<double> partial(size_t(threads) * outer * inner, 0.0);
    const int64_t chunk = (reduced + threads - 1) / threads;
#pragma omp parallel for schedule(static)
    for (int t = 0; t < threads; t++) {
      const int64_t r0 = t * chunk, r1 = std::min(reduced, r0 + chunk);
      for (int64_t o = 0; o < outer && r0 < r1; o++) accumulate(o, r0, r1, &partial[(size_t(t) * outer + o) * inner]);
    }
    for (int64_t k = 0; k < outer * inner; k++) {
      double sum = 0;
      for (int t = 0; t < threads; t++) sum += partial[size_t(t) * outer * inner + k];
      out[k] = float(sum);
    }
    return info.Env().Undefined();
  });
}

}  // namespace

void registerMultiplySum(Napi::Env env, Napi::Object exports) {
  exports.Set("multiplySum", Napi::Function::New(env, MultiplySum));
}

}  // namespace dfl

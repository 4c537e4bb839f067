// Optimizer updates in one pass per variable. The training libraries' composite Adam runs ~10 full-size tfjs ops
// per variable per step (each allocating and streaming its own tensor); here p, g, m and v are read once and the
// new p, m and v written once, with the float operations of that composite in its order (so the cpu backend's
// results are reproduced; each step below is one float32 op, as tfjs' cpu kernels round each op to float32).
// GCC contracts a * b + c into one FMA (one rounding instead of two) by default in C++; here each op must round.
#pragma GCC optimize("fp-contract=off")

#include <omp.h>

#include <algorithm>
#include <cmath>

#include "common.h"

namespace dfl {
namespace {


// Scalars as float32, as tfjs turns each JS number into a float32 scalar tensor.
struct AdamScalars {
  float beta1, oneMinusBeta1, beta2, oneMinusBeta2, eps, weightDecay, bc2, stepSize, lrWeightDecay;
};

// Weight decay as the caller decided it (from the double value, so a decay that rounds to 0 in float32 still counts).
enum DecayMode { kNoDecay, kL2Decay, kDecoupledDecay };

// AdamStep's composite (libs/training/src/optimizer-steps/adam-step.ts):
//   g  = g + p * wd                          (L2, when wd > 0 and not decoupled)
//   m' = m * beta1 + g * (1 - beta1)
//   v' = v * beta2 + (g * g) * (1 - beta2)
//   p' = p - (m' / (sqrt(v' / bc2) + eps)) * stepSize        stepSize = lr / bc1
//   p' = p' - p * (lr * wd)                  (decoupled, when wd > 0)
// No FMA contraction (the pragma above), so each op rounds as tfjs' does.
template <bool L2, bool Decoupled>
void adamLoop(const AdamScalars s, const float *__restrict p, const float *__restrict g, const float *__restrict m,
              const float *__restrict v, float *__restrict pOut, float *__restrict mOut, float *__restrict vOut,
              int64_t n) {
  auto body = [&](int64_t start, int64_t end) {
#pragma omp simd
    for (int64_t i = start; i < end; i++) {
      const float pi = p[i];
      float gi = g[i];
      if constexpr (L2) gi = gi + pi * s.weightDecay;
      const float mi = m[i] * s.beta1 + gi * s.oneMinusBeta1;
      const float vi = v[i] * s.beta2 + (gi * gi) * s.oneMinusBeta2;
      const float denom = std::sqrt(vi / s.bc2) + s.eps;
      float next = pi - (mi / denom) * s.stepSize;
      if constexpr (Decoupled) next = next - pi * s.lrWeightDecay;
      mOut[i] = mi;
      vOut[i] = vi;
      pOut[i] = next;
    }
  };
  forChunks(n, body);
}

// adamUpdate(scalars[9], decayMode, p, g, m, v, pOut, mOut, vOut); scalars: beta1, 1 - beta1, beta2, 1 - beta2,
// eps, weightDecay, bc2, lr / bc1, lr * weightDecay (each rounded to float32). Outputs may not alias inputs.
Napi::Value AdamUpdate(const Napi::CallbackInfo &info) {
  return guarded(info, [&]() -> Napi::Value {
    ScopedTimer timer("adamUpdate");
    auto arr = info[0].As<Napi::Float32Array>();
    if (arr.ElementLength() != 9) throw std::invalid_argument("adamUpdate needs 9 scalars");
    const float *k = arr.Data();
    AdamScalars s{k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7], k[8]};
    const int mode = info[1].As<Napi::Number>().Int32Value();
    int64_t n = info[2].As<Napi::Float32Array>().ElementLength();
    const float *p = floatData(info[2], n, "p");
    const float *g = floatData(info[3], n, "g");
    const float *m = floatData(info[4], n, "m");
    const float *v = floatData(info[5], n, "v");
    float *pOut = floatData(info[6], n, "pOut");
    float *mOut = floatData(info[7], n, "mOut");
    float *vOut = floatData(info[8], n, "vOut");
    switch (mode) {
      case kNoDecay: adamLoop<false, false>(s, p, g, m, v, pOut, mOut, vOut, n); break;
      case kL2Decay: adamLoop<true, false>(s, p, g, m, v, pOut, mOut, vOut, n); break;
      case kDecoupledDecay: adamLoop<false, true>(s, p, g, m, v, pOut, mOut, vOut, n); break;
      default: throw std::invalid_argument("unknown weight decay mode " + std::to_string(mode));
    }
    return info.Env().Undefined();
  });
}

// SgdStep's composite (libs/training/src/optimizer-steps/sgd-step.ts), torch.optim.SGD with dampening 0:
//   g  = g + p * wd                          (when wd > 0)
//   b' = b * momentum + g
//   u  = nesterov ? g + b' * momentum : b'
//   p' = p - u * lr
template <bool L2, bool Nesterov>
void sgdLoop(float momentum, float wd, float lr, const float *__restrict p, const float *__restrict g,
             const float *__restrict b, float *__restrict pOut, float *__restrict bOut, int64_t n) {
  auto body = [&](int64_t start, int64_t end) {
#pragma omp simd
    for (int64_t i = start; i < end; i++) {
      const float pi = p[i];
      float gi = g[i];
      if constexpr (L2) gi = gi + pi * wd;
      const float bi = b[i] * momentum + gi;
      float u = bi;
      if constexpr (Nesterov) u = gi + bi * momentum;
      bOut[i] = bi;
      pOut[i] = pi - u * lr;
    }
  };
  forChunks(n, body);
}

// sgdMomentumUpdate(momentum, weightDecay, lr, flags, p, g, b, pOut, bOut); flags: 1 L2 decay, 2 nesterov.
Napi::Value SgdMomentumUpdate(const Napi::CallbackInfo &info) {
  return guarded(info, [&]() -> Napi::Value {
    ScopedTimer timer("sgdUpdate");
    const float momentum = info[0].As<Napi::Number>().FloatValue();
    const float wd = info[1].As<Napi::Number>().FloatValue();
    const float lr = info[2].As<Napi::Number>().FloatValue();
    const int flags = info[3].As<Napi::Number>().Int32Value();
    const bool decay = flags & 1, nesterov = flags & 2;
    int64_t n = info[4].As<Napi::Float32Array>().ElementLength();
    const float *p = floatData(info[4], n, "p");
    const float *g = floatData(info[5], n, "g");
    const float *b = floatData(info[6], n, "buffer");
    float *pOut = floatData(info[7], n, "pOut");
    float *bOut = floatData(info[8], n, "bufferOut");
    if (decay && nesterov) sgdLoop<true, true>(momentum, wd, lr, p, g, b, pOut, bOut, n);
    else if (decay) sgdLoop<true, false>(momentum, wd, lr, p, g, b, pOut, bOut, n);
    else if (nesterov) sgdLoop<false, true>(momentum, wd, lr, p, g, b, pOut, bOut, n);
    else sgdLoop<false, false>(momentum, wd, lr, p, g, b, pOut, bOut, n);
    return info.Env().Undefined();
  });
}

}  // namespace

void registerOptimizer(Napi::Env env, Napi::Object exports) {
  exports.Set("adamUpdate", Napi::Function::New(env, AdamUpdate));
  exports.Set("sgdMomentumUpdate", Napi::Function::New(env, SgdMomentumUpdate));
}

}  // namespace dfl

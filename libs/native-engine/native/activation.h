// The activations a conv-BatchNorm-activation block ends with, forward and derivative, shared by the element-wise
// kernels and the fused BatchNorm + activation (batchnorm.cc), so both compute the same floats.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace dfl {

// exp(x) for float, written so the compiler vectorises it (std::exp is a scalar libm call per element without
// -ffast-math, which made Sigmoid, EfficientNet's Swish, the slowest kernel of an inference). Cephes' expf:
// range reduction by ln 2 and a degree-6 polynomial, about 1-2 ulp.
inline float vecExp(float x) {
  // Straight-line code only (min/max, no selects or branches), or gcc leaves the loop scalar.
  x = std::min(std::max(x, -87.3365447504f), 88.3762626647949f);  // beyond: 0 / FLT_MAX-ish, not denormals / inf
  const float t = x * 1.44269504088896341f + 0.5f;
  const int32_t n = static_cast<int32_t>(t + 256.f) - 256;  // floor(t): t + 256 > 0 here
  const float fx = static_cast<float>(n);
  const float r = x - fx * 0.693359375f - fx * -2.12194440e-4f;
  float y = 1.9875691500e-4f;
  y = y * r + 1.3981999507e-3f;
  y = y * r + 8.3334519073e-3f;
  y = y * r + 4.1665795894e-2f;
  y = y * r + 1.6666665459e-1f;
  y = y * r + 5.0000001201e-1f;
  y = y * r * r + r + 1.f;
  return y * __builtin_bit_cast(float, (n + 127) * (1 << 23));
}

// Codes as tfjs' fused activations (appendActivation, conv.cc): 0 linear, 1 relu, 2 relu6, 6 silu (ours).
enum BlockActivation { kActLinear = 0, kActRelu = 1, kActRelu6 = 2, kActSilu = 6 };

// The activation, as the unary kernels compute it (elementwise.cc: kRelu, kRelu6, kSilu).
template <int A>
inline float activationOf(float v) {
  if constexpr (A == kActRelu) return v < 0.f ? 0.f : v;
  if constexpr (A == kActRelu6) return v < 0.f ? 0.f : (v > 6.f ? 6.f : v);
  if constexpr (A == kActSilu) return v * (1.f / (1.f + vecExp(-v)));
  return v;
}

// Its derivative at v, as DflActivationGrad computes it (elementwise.cc; NaN propagates through the ReLU masks as
// tfjs' step() does).
template <int A>
inline float derivativeOf(float v) {
  if constexpr (A == kActRelu) return std::isnan(v) ? v : float(v > 0.f);
  if constexpr (A == kActRelu6) return std::isnan(v) ? v : float(v > 0.f) * float(v <= 6.f);
  if constexpr (A == kActSilu) {
    const float s = 1.f / (1.f + vecExp(-v));
    return s * (1.f + v * (1.f - s));
  }
  return 1.f;
}

}  // namespace dfl

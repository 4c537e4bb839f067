// Training-mode BatchNorm over the last (channel) axis in two passes each way: batch statistics in one read of x,
// and the whole gradient in one read of (dy, x) plus one write of dx. Composed from tfjs ops the same work takes
// about eleven full-size passes, and element-wise passes are most of a training step once convolutions are native.
// An activation after it (relu, relu6, silu) can join both directions: applied in the normalizing pass, and its
// derivative taken inside the gradient's passes from the recomputed normalized value.
#include <omp.h>

#include <cmath>

#include "activation.h"
#include "common.h"

namespace dfl {
namespace {

// Per-channel sums of f(row) over all rows, accumulated in double per thread, then combined.
template <typename RowFn>
void channelSums(int64_t rows, int64_t c, int outputs, std::vector<double> &sums, RowFn rowFn) {
  int threads = omp_get_max_threads();
  std::vector<double> partial(size_t(threads) * outputs * c, 0.0);
  int64_t chunk = (rows + threads - 1) / threads;
#pragma omp parallel for schedule(static) if (rows * c >= (1 << 15))
  for (int t = 0; t < threads; t++) {
    double *acc = &partial[size_t(t) * outputs * c];
    for (int64_t r = t * chunk; r < std::min(rows, (t + 1) * chunk); r++) rowFn(r, acc);
  }
  sums.assign(size_t(outputs) * c, 0.0);
  for (int t = 0; t < threads; t++)
    for (size_t i = 0; i < sums.size(); i++) sums[i] += partial[size_t(t) * outputs * c + i];
}

// batchNormStats(x, channels, mean, variance): biased variance, as PyTorch normalises with.
Napi::Value BatchNormStats(const Napi::CallbackInfo &info) {
  return guarded(info, [&]() -> Napi::Value {
    ScopedTimer timer("batchNormStats");
    int64_t n = info[0].As<Napi::Float32Array>().ElementLength();
    int64_t c = info[1].As<Napi::Number>().Int64Value();
    if (c <= 0 || n % c != 0 || n == 0) throw std::invalid_argument("x size must be a positive multiple of the channels");
    const float *x = floatData(info[0], n, "x");
    float *mean = floatData(info[2], c, "mean");
    float *variance = floatData(info[3], c, "variance");
    int64_t rows = n / c;
    // Shifted by the first row so E[x²] - E[x]² does not cancel catastrophically when |mean| >> std.
    std::vector<float> shift(x, x + c);
    std::vector<double> sums;
    channelSums(rows, c, 2, sums, [&](int64_t r, double *acc) {
      const float *row = x + r * c;
      for (int64_t i = 0; i < c; i++) {
        double d = double(row[i]) - shift[i];
        acc[i] += d;
        acc[c + i] += d * d;
      }
    });
    for (int64_t i = 0; i < c; i++) {
      double m = sums[i] / rows;
      mean[i] = float(m + shift[i]);
      variance[i] = float(std::max(0.0, sums[c + i] / rows - m * m));
    }
    return info.Env().Undefined();
  });
}

// y = (x - mean) * mul + add per channel: one expression for the forward pass and the gradient's recomputation, so
// both round alike and a ReLU mask taken from the recomputed y is the forward's.
inline float normalized(float x, float mean, float mul, float add) { return (x - mean) * mul + add; }

// Per-channel mul = gamma / sqrt(variance + eps) (as tfjs' FusedBatchNorm computes it) and add = beta.
void affineOf(int64_t c, const float *gamma, const float *beta, const float *variance, float eps, std::vector<float> &mul,
              std::vector<float> &add) {
  mul.resize(c);
  add.resize(c);
  for (int64_t i = 0; i < c; i++) {
    mul[i] = (gamma ? gamma[i] : 1.f) / std::sqrt(variance[i] + eps);
    add[i] = beta ? beta[i] : 0.f;
  }
}

template <int A>
void batchNormActLoop(const float *x, int64_t rows, int64_t c, const float *mean, const float *mul, const float *add,
                      float *out) {
#pragma omp parallel for schedule(static) if (rows * c >= kParallelMin)
  for (int64_t r = 0; r < rows; r++) {
    const float *xr = x + r * c;
    float *o = out + r * c;
#pragma omp simd
    for (int64_t i = 0; i < c; i++) o[i] = activationOf<A>(normalized(xr[i], mean[i], mul[i], add[i]));
  }
}

// batchNormAct(x, channels, mean, variance, gamma | null, beta | null, epsilon, activation, out):
// out = activation((x - mean) * gamma / sqrt(variance + eps) + beta) in one pass, where FusedBatchNorm then the
// activation take two (and write the normalized tensor in between). activation: 0 linear, 1 relu, 2 relu6, 6 silu.
Napi::Value BatchNormAct(const Napi::CallbackInfo &info) {
  return guarded(info, [&]() -> Napi::Value {
    ScopedTimer timer("batchNormAct");
    int64_t n = info[0].As<Napi::Float32Array>().ElementLength();
    int64_t c = info[1].As<Napi::Number>().Int64Value();
    if (c <= 0 || n % c != 0 || n == 0) throw std::invalid_argument("x size must be a positive multiple of the channels");
    const float *x = floatData(info[0], n, "x");
    const float *mean = floatData(info[2], c, "mean");
    const float *variance = floatData(info[3], c, "variance");
    const float *gamma = optionalFloatData(info[4], c, "gamma");
    const float *beta = optionalFloatData(info[5], c, "beta");
    float eps = info[6].As<Napi::Number>().FloatValue();
    int activation = info[7].As<Napi::Number>().Int32Value();
    float *out = floatData(info[8], n, "out");
    std::vector<float> mul, add;
    affineOf(c, gamma, beta, variance, eps, mul, add);
    const int64_t rows = n / c;
    switch (activation) {
      case kActLinear: batchNormActLoop<kActLinear>(x, rows, c, mean, mul.data(), add.data(), out); break;
      case kActRelu: batchNormActLoop<kActRelu>(x, rows, c, mean, mul.data(), add.data(), out); break;
      case kActRelu6: batchNormActLoop<kActRelu6>(x, rows, c, mean, mul.data(), add.data(), out); break;
      case kActSilu: batchNormActLoop<kActSilu>(x, rows, c, mean, mul.data(), add.data(), out); break;
      default: throw std::invalid_argument("unknown activation code " + std::to_string(activation));
    }
    return info.Env().Undefined();
  });
}

// The BatchNorm gradient from g, the gradient at its output: with an activation after it, g = dy * act'(y) with
// y recomputed from x, in both passes, so the gradient at the normalized tensor is never written out.
// dx = gamma·rstd·(g - mean(g) - x̂·mean(g·x̂)), dgamma = Σ g·x̂, dbeta = Σ g.
template <int A>
void batchNormGradLoop(const float *dy, const float *x, int64_t rows, int64_t c, const float *gamma, const float *mean,
                       const float *variance, float eps, const float *mul, const float *add, float *dx, float *dgamma,
                       float *dbeta) {
  constexpr bool kKeepG = A == kActSilu;
  auto gradAt = [&](float d, float xv, int64_t i) {
    if constexpr (A == kActLinear) return d;
    return d * derivativeOf<A>(normalized(xv, mean[i], mul[i], add[i]));
  };
  std::vector<double> sums;  // [Σg | Σg·(x - mean)]
  channelSums(rows, c, 2, sums, [&](int64_t r, double *acc) {
    const float *d = dy + r * c;
    const float *row = x + r * c;
    if constexpr (A == kActLinear) {
      for (int64_t i = 0; i < c; i++) {
        acc[i] += d[i];
        acc[c + i] += double(d[i]) * (row[i] - mean[i]);
      }
    } else {
      // g for the row first, in a loop the compiler vectorises (with the activation's exp), then the double sums.
      // SiLU's g is kept in dx for the second pass (its exp costs more than rereading g); the ReLUs' is recomputed.
      thread_local std::vector<float> scratch;
      float *pg = kKeepG ? dx + r * c : (scratch.resize(c), scratch.data());
#pragma omp simd
      for (int64_t i = 0; i < c; i++) pg[i] = gradAt(d[i], row[i], i);
      for (int64_t i = 0; i < c; i++) {
        acc[i] += pg[i];
        acc[c + i] += double(pg[i]) * (row[i] - mean[i]);
      }
    }
  });
  std::vector<float> a(c), b(c), k(c);
  for (int64_t i = 0; i < c; i++) {
    double rstd = 1.0 / std::sqrt(double(variance[i]) + eps);
    double sumDy = sums[i], sumDyXc = sums[c + i];
    double ai = gamma[i] * rstd;
    double bi = -ai * rstd * rstd * sumDyXc / rows;
    a[i] = float(ai);
    b[i] = float(bi);
    k[i] = float(-ai * sumDy / rows);  // x - mean is taken per element: folding mean into k would cancel
    dgamma[i] = float(sumDyXc * rstd);
    dbeta[i] = float(sumDy);
  }
  const float *pa = a.data(), *pb = b.data(), *pk = k.data();
#pragma omp parallel for schedule(static) if (rows * c >= (1 << 15))
  for (int64_t r = 0; r < rows; r++) {
    const float *d = dy + r * c;
    const float *row = x + r * c;
    float *out = dx + r * c;
    if constexpr (kKeepG) {
#pragma omp simd
      for (int64_t i = 0; i < c; i++) out[i] = out[i] * pa[i] + (row[i] - mean[i]) * pb[i] + pk[i];
    } else {
#pragma omp simd
      for (int64_t i = 0; i < c; i++) out[i] = gradAt(d[i], row[i], i) * pa[i] + (row[i] - mean[i]) * pb[i] + pk[i];
    }
  }
}

// batchNormGrad(dy, x, channels, gamma, mean, variance, epsilon, dx, dgamma, dbeta[, activation, beta]):
// without an activation (or 0) dy is the gradient at BatchNorm's output; with one (1 relu, 2 relu6, 6 silu) it is
// the gradient at the activation's output, as batchNormAct computed it with this gamma and beta.
Napi::Value BatchNormGrad(const Napi::CallbackInfo &info) {
  return guarded(info, [&]() -> Napi::Value {
    ScopedTimer timer("batchNormGrad");
    int64_t n = info[0].As<Napi::Float32Array>().ElementLength();
    int64_t c = info[2].As<Napi::Number>().Int64Value();
    if (c <= 0 || n % c != 0 || n == 0) throw std::invalid_argument("x size must be a positive multiple of the channels");
    const float *dy = floatData(info[0], n, "dy");
    const float *x = floatData(info[1], n, "x");
    const float *gamma = floatData(info[3], c, "gamma");
    const float *mean = floatData(info[4], c, "mean");
    const float *variance = floatData(info[5], c, "variance");
    float eps = info[6].As<Napi::Number>().FloatValue();
    float *dx = floatData(info[7], n, "dx");
    float *dgamma = floatData(info[8], c, "dgamma");
    float *dbeta = floatData(info[9], c, "dbeta");
    const int activation = info.Length() > 10 && info[10].IsNumber() ? info[10].As<Napi::Number>().Int32Value() : 0;
    const float *beta = activation != kActLinear ? floatData(info[11], c, "beta") : nullptr;
    std::vector<float> mul, add;
    if (activation != kActLinear) affineOf(c, gamma, beta, variance, eps, mul, add);
    const int64_t rows = n / c;
    const float *m = mul.data(), *ad = add.data();
    switch (activation) {
      case kActLinear: batchNormGradLoop<kActLinear>(dy, x, rows, c, gamma, mean, variance, eps, m, ad, dx, dgamma, dbeta); break;
      case kActRelu: batchNormGradLoop<kActRelu>(dy, x, rows, c, gamma, mean, variance, eps, m, ad, dx, dgamma, dbeta); break;
      case kActRelu6: batchNormGradLoop<kActRelu6>(dy, x, rows, c, gamma, mean, variance, eps, m, ad, dx, dgamma, dbeta); break;
      case kActSilu: batchNormGradLoop<kActSilu>(dy, x, rows, c, gamma, mean, variance, eps, m, ad, dx, dgamma, dbeta); break;
      default: throw std::invalid_argument("unknown activation code " + std::to_string(activation));
    }
    return info.Env().Undefined();
  });
}

}  // namespace

void registerBatchNorm(Napi::Env env, Napi::Object exports) {
  exports.Set("batchNormStats", Napi::Function::New(env, BatchNormStats));
  exports.Set("batchNormGrad", Napi::Function::New(env, BatchNormGrad));
  exports.Set("batchNormAct", Napi::Function::New(env, BatchNormAct));
}

}  // namespace dfl

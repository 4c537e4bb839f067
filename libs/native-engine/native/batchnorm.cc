// Training-mode BatchNorm over the last (channel) axis in two passes each way: batch statistics in one read of x,
// and the whole gradient in one read of (dy, x) plus one write of dx. Composed from tfjs ops the same work takes
// about eleven full-size passes, and element-wise passes are most of a training step once convolutions are native.
#include <omp.h>

#include <cmath>

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

// batchNormGrad(dy, x, channels, gamma, mean, variance, epsilon, dx, dgamma, dbeta):
// dx = gamma·rstd·(dy - mean(dy) - x̂·mean(dy·x̂)), dgamma = Σ dy·x̂, dbeta = Σ dy.
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
    int64_t rows = n / c;
    std::vector<double> sums;  // [Σdy | Σdy·(x - mean)]
    channelSums(rows, c, 2, sums, [&](int64_t r, double *acc) {
      const float *g = dy + r * c;
      const float *row = x + r * c;
      for (int64_t i = 0; i < c; i++) {
        acc[i] += g[i];
        acc[c + i] += double(g[i]) * (row[i] - mean[i]);
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
#pragma omp parallel for schedule(static) if (n >= (1 << 15))
    for (int64_t r = 0; r < rows; r++) {
      const float *g = dy + r * c;
      const float *row = x + r * c;
      float *out = dx + r * c;
#pragma omp simd
      for (int64_t i = 0; i < c; i++) out[i] = g[i] * pa[i] + (row[i] - mean[i]) * pb[i] + pk[i];
    }
    return info.Env().Undefined();
  });
}

}  // namespace

void registerBatchNorm(Napi::Env env, Napi::Object exports) {
  exports.Set("batchNormStats", Napi::Function::New(env, BatchNormStats));
  exports.Set("batchNormGrad", Napi::Function::New(env, BatchNormGrad));
}

}  // namespace dfl

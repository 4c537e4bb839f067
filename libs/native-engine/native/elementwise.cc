// Element-wise, broadcasting, reduction and tiling kernels. tfjs' cpu backend runs these in plain JS with an index
// computation per element (its broadcasting Multiply ran at ~10 M elements/s here), which made them, not the
// convolutions, the bulk of a training step. Plain loops the compiler vectorises, split over OpenMP threads.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "activation.h"
#include "common.h"

namespace dfl {
namespace {

// Arithmetic ops write floats; comparisons (from kLess on) write tfjs bools (one byte each).
enum BinaryOp { kAdd, kSub, kMul, kDiv, kMax, kMin, kSquaredDifference, kLess, kLessEqual, kGreater, kGreaterEqual,
                kEqual, kNotEqual };

template <int Op>
inline float binaryOp(float a, float b) {
  if constexpr (Op == kAdd) return a + b;
  if constexpr (Op == kSub) return a - b;
  if constexpr (Op == kMul) return a * b;
  if constexpr (Op == kDiv) return a / b;
  if constexpr (Op == kMax) return a > b || std::isnan(a) ? a : b;
  if constexpr (Op == kMin) return a < b || std::isnan(a) ? a : b;
  if constexpr (Op == kSquaredDifference) return (a - b) * (a - b);
  if constexpr (Op == kLess) return a < b;
  if constexpr (Op == kLessEqual) return a <= b;
  if constexpr (Op == kGreater) return a > b;
  if constexpr (Op == kGreaterEqual) return a >= b;
  if constexpr (Op == kEqual) return a == b;
  if constexpr (Op == kNotEqual) return a != b;
  return 0.f;
}

// One contiguous run of the output: a and b each advance by 1 (a full operand) or 0 (a broadcast one).
template <int Op, int SA, int SB>
void binaryRun(const float *__restrict a, const float *__restrict b, void *outv, int64_t n) {
  if constexpr (Op >= kLess) {
    uint8_t *__restrict out = static_cast<uint8_t *>(outv);
#pragma omp simd
    for (int64_t i = 0; i < n; i++) out[i] = binaryOp<Op>(a[i * SA], b[i * SB]) != 0.f;
  } else {
    float *__restrict out = static_cast<float *>(outv);
#pragma omp simd
    for (int64_t i = 0; i < n; i++) out[i] = binaryOp<Op>(a[i * SA], b[i * SB]);
  }
}

using RunFn = void (*)(const float *, const float *, void *, int64_t);

template <int Op>
RunFn pickRun(int sa, int sb) {
  if (sa && sb) return binaryRun<Op, 1, 1>;
  if (sa) return binaryRun<Op, 1, 0>;
  if (sb) return binaryRun<Op, 0, 1>;
  return binaryRun<Op, 0, 0>;
}

RunFn runFor(int op, int sa, int sb) {
  switch (op) {
    case kAdd: return pickRun<kAdd>(sa, sb);
    case kSub: return pickRun<kSub>(sa, sb);
    case kMul: return pickRun<kMul>(sa, sb);
    case kDiv: return pickRun<kDiv>(sa, sb);
    case kMax: return pickRun<kMax>(sa, sb);
    case kMin: return pickRun<kMin>(sa, sb);
    case kSquaredDifference: return pickRun<kSquaredDifference>(sa, sb);
    case kLess: return pickRun<kLess>(sa, sb);
    case kLessEqual: return pickRun<kLessEqual>(sa, sb);
    case kGreater: return pickRun<kGreater>(sa, sb);
    case kGreaterEqual: return pickRun<kGreaterEqual>(sa, sb);
    case kEqual: return pickRun<kEqual>(sa, sb);
    case kNotEqual: return pickRun<kNotEqual>(sa, sb);
    default: throw std::invalid_argument("unknown binary op " + std::to_string(op));
  }
}

std::vector<int64_t> shapeOf(const Napi::Value &v, const char *name) {
  if (!v.IsArray()) throw std::invalid_argument(std::string(name) + " must be an array");
  return intParams(v, v.As<Napi::Array>().Length(), name);
}

int64_t sizeOf(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

// binary(op, a, aShape, b, bShape, out, outShape): numpy broadcasting. Dimensions are right-aligned, then
// neighbours that broadcast the same way are merged, so [n,h,w,c] * [c] is a loop over rows of c.
Napi::Value Binary(const Napi::CallbackInfo &info) {
  return guarded(info, [&]() -> Napi::Value {
    ScopedTimer timer("binary");
    int op = info[0].As<Napi::Number>().Int32Value();
    auto aShape = shapeOf(info[2], "aShape");
    auto bShape = shapeOf(info[4], "bShape");
    auto outShape = shapeOf(info[6], "outShape");
    const float *a = floatData(info[1], sizeOf(aShape), "a");
    const float *b = floatData(info[3], sizeOf(bShape), "b");
    const bool compare = op >= kLess;
    char *out;
    if (compare) {
      if (!info[5].IsTypedArray() || info[5].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
          int64_t(info[5].As<Napi::Uint8Array>().ElementLength()) != sizeOf(outShape)) {
        throw std::invalid_argument("out must be a Uint8Array of the output size");
      }
      out = reinterpret_cast<char *>(info[5].As<Napi::Uint8Array>().Data());
    } else {
      out = reinterpret_cast<char *>(floatData(info[5], sizeOf(outShape), "out"));
    }
    const int64_t outBytes = compare ? 1 : 4;
    int64_t total = sizeOf(outShape);
    if (total == 0) return info.Env().Undefined();
    size_t rank = outShape.size();
    if (aShape.size() > rank || bShape.size() > rank) throw std::invalid_argument("operand rank above output rank");
    aShape.insert(aShape.begin(), rank - aShape.size(), 1);
    bShape.insert(bShape.begin(), rank - bShape.size(), 1);
    // Merged dims, outermost first: size and whether a / b are full (1) or broadcast (0) along it.
    std::vector<int64_t> size;
    std::vector<int> fa, fb;
    for (size_t d = 0; d < rank; d++) {
      if (outShape[d] == 1) continue;
      int sa = aShape[d] == outShape[d], sb = bShape[d] == outShape[d];
      if ((!sa && aShape[d] != 1) || (!sb && bShape[d] != 1)) throw std::invalid_argument("shapes do not broadcast");
      if (!size.empty() && fa.back() == sa && fb.back() == sb) {
        size.back() *= outShape[d];
      } else {
        size.push_back(outShape[d]);
        fa.push_back(sa);
        fb.push_back(sb);
      }
    }
    if (size.empty()) {  // a single element
      size.push_back(1);
      fa.push_back(1);
      fb.push_back(1);
    }
    size_t dims = size.size();
    // Element strides of a and b along each merged dim (0 where broadcast).
    std::vector<int64_t> strideA(dims), strideB(dims);
    int64_t accA = 1, accB = 1;
    for (size_t d = dims; d-- > 0;) {
      strideA[d] = fa[d] ? accA : 0;
      strideB[d] = fb[d] ? accB : 0;
      if (fa[d]) accA *= size[d];
      if (fb[d]) accB *= size[d];
    }
    int64_t run = size[dims - 1];
    int64_t rows = total / run;
    RunFn fn = runFor(op, fa[dims - 1], fb[dims - 1]);
    auto doRow = [&](int64_t row) {
      int64_t offA = 0, offB = 0, rest = row;
      for (size_t d = dims - 1; d-- > 0;) {
        int64_t i = rest % size[d];
        rest /= size[d];
        offA += i * strideA[d];
        offB += i * strideB[d];
      }
      fn(a + offA, b + offB, out + row * run * outBytes, run);
    };
    if (rows == 1 && run >= kParallelMin) {
      // One long run: split it.
      int threads = omp_get_max_threads();
      int64_t chunk = (run + threads - 1) / threads;
      int sa = fa[0], sb = fb[0];
#pragma omp parallel for schedule(static)
      for (int t = 0; t < threads; t++) {
        int64_t start = t * chunk, n = std::min(run, start + chunk) - start;
        if (n > 0) fn(a + start * sa, b + start * sb, out + start * outBytes, n);
      }
    } else if (total >= kParallelMin) {
#pragma omp parallel for schedule(static)
      for (int64_t row = 0; row < rows; row++) doRow(row);
    } else {
      for (int64_t row = 0; row < rows; row++) doRow(row);
    }
    return info.Env().Undefined();
  });
}

enum UnaryOp { kRelu, kRelu6, kStep, kSqrt, kSquare, kRsqrt, kNeg, kExp, kLog, kSigmoid, kTanh, kAbs, kReciprocal,
               kLeakyRelu, kElu, kClip, kSilu };

template <int Op>
void unaryLoop(const float *__restrict x, float *__restrict out, int64_t n, float alpha, float beta) {
  auto body = [x, out, alpha, beta](int64_t start, int64_t end) {  // by value: no aliasing with out, so it vectorises
#pragma omp simd
    for (int64_t i = start; i < end; i++) {
      float v = x[i];
      float r;
      if constexpr (Op == kRelu) r = v < 0.f ? 0.f : v;
      if constexpr (Op == kRelu6) r = v < 0.f ? 0.f : (v > 6.f ? 6.f : v);
      if constexpr (Op == kStep) {  // two plain selects, so it vectorises instead of branching per element
        r = alpha + (1.f - alpha) * float(v > 0.f);
        r = std::isnan(v) ? v : r;
      }
      if constexpr (Op == kSqrt) r = std::sqrt(v);
      if constexpr (Op == kSquare) r = v * v;
      if constexpr (Op == kRsqrt) r = 1.f / std::sqrt(v);
      if constexpr (Op == kNeg) r = -v;
      if constexpr (Op == kExp) r = vecExp(v);  // NaN stays NaN through the arithmetic
      if constexpr (Op == kLog) r = std::log(v);
      if constexpr (Op == kSigmoid) r = 1.f / (1.f + vecExp(-v));
      if constexpr (Op == kTanh) r = std::tanh(v);
      if constexpr (Op == kAbs) r = std::fabs(v);
      if constexpr (Op == kReciprocal) r = 1.f / v;
      if constexpr (Op == kLeakyRelu) r = v < 0.f ? alpha * v : v;
      if constexpr (Op == kElu) r = v < 0.f ? vecExp(v) - 1.f : v;
      if constexpr (Op == kClip) r = v < alpha ? alpha : (v > beta ? beta : v);
      // x * sigmoid(x) as tfjs composes it (Sigmoid, then Multiply), in one pass. vecExp clamps its argument, so
      // x = -100 gives -100 * ~4e-39, not -100 * 0 from an overflowed exp (and never inf * 0 = NaN).
      if constexpr (Op == kSilu) r = v * (1.f / (1.f + vecExp(-v)));
      out[i] = r;
    }
  };
  forChunks(n, body);
}

// unary(op, alpha, beta, x, out): alpha is Step's / LeakyRelu's alpha or the clip minimum, beta the clip maximum
Napi::Value Unary(const Napi::CallbackInfo &info) {
  return guarded(info, [&]() -> Napi::Value {
    ScopedTimer timer("unary");
    int op = info[0].As<Napi::Number>().Int32Value();
    float alpha = info[1].As<Napi::Number>().FloatValue();
    float beta = info[2].As<Napi::Number>().FloatValue();
    auto xs = info[3].As<Napi::Float32Array>();
    int64_t n = xs.ElementLength();
    const float *x = floatData(info[3], n, "x");
    float *out = floatData(info[4], n, "out");
    switch (op) {
#define DFL_UNARY(OP) \
  case OP: unaryLoop<OP>(x, out, n, alpha, beta); break;
      DFL_UNARY(kRelu) DFL_UNARY(kRelu6) DFL_UNARY(kStep) DFL_UNARY(kSqrt) DFL_UNARY(kSquare) DFL_UNARY(kRsqrt)
      DFL_UNARY(kNeg) DFL_UNARY(kExp) DFL_UNARY(kLog) DFL_UNARY(kSigmoid) DFL_UNARY(kTanh) DFL_UNARY(kAbs)
      DFL_UNARY(kReciprocal) DFL_UNARY(kLeakyRelu) DFL_UNARY(kElu) DFL_UNARY(kClip) DFL_UNARY(kSilu)
#undef DFL_UNARY
      default: throw std::invalid_argument("unknown unary op " + std::to_string(op));
    }
    return info.Env().Undefined();
  });
}

// activationGrad(op, dy, t, out): the gradient of an activation in one pass, the same float arithmetic tfjs'
// composed gradient does in three to five (each a full-size tensor): 0 relu, dy * step(x); 1 relu6,
// dy * (x <= 6) * step(x); 2 sigmoid from its output y, dy * (y * (1 - y)); 3 silu (x * sigmoid(x)) from its
// input x, dy * (s * (1 + x * (1 - s))) with s = sigmoid(x), recomputed here so the forward pass saves only x.
// NaN in x propagates as step() does.
enum ActivationGradOp { kReluGrad, kRelu6Grad, kSigmoidGrad, kSiluGrad };

template <int Op>
void activationGradLoop(const float *__restrict dy, const float *__restrict t, float *__restrict out, int64_t n) {
  auto body = [dy, t, out](int64_t start, int64_t end) {
#pragma omp simd
    for (int64_t i = start; i < end; i++) {
      float v = t[i];
      float m;
      if constexpr (Op == kReluGrad) m = std::isnan(v) ? v : float(v > 0.f);
      if constexpr (Op == kRelu6Grad) m = std::isnan(v) ? v : float(v > 0.f) * float(v <= 6.f);
      if constexpr (Op == kSigmoidGrad) m = v * (1.f - v);
      if constexpr (Op == kSiluGrad) {
        const float s = 1.f / (1.f + vecExp(-v));
        m = s * (1.f + v * (1.f - s));
      }
      out[i] = dy[i] * m;
    }
  };
  forChunks(n, body);
}

Napi::Value ActivationGrad(const Napi::CallbackInfo &info) {
  return guarded(info, [&]() -> Napi::Value {
    ScopedTimer timer("activationGrad");
    int op = info[0].As<Napi::Number>().Int32Value();
    int64_t n = info[1].As<Napi::Float32Array>().ElementLength();
    const float *dy = floatData(info[1], n, "dy");
    const float *t = floatData(info[2], n, "x");
    float *out = floatData(info[3], n, "out");
    switch (op) {
      case kReluGrad: activationGradLoop<kReluGrad>(dy, t, out, n); break;
      case kRelu6Grad: activationGradLoop<kRelu6Grad>(dy, t, out, n); break;
      case kSigmoidGrad: activationGradLoop<kSigmoidGrad>(dy, t, out, n); break;
      case kSiluGrad: activationGradLoop<kSiluGrad>(dy, t, out, n); break;
      default: throw std::invalid_argument("unknown activation gradient " + std::to_string(op));
    }
    return info.Env().Undefined();
  });
}

enum ReduceOp { kSum, kMean, kRMax, kRMin };

// reduce(op, x, [outer, reduced, inner], out): x viewed as [outer][reduced][inner], out as [outer][inner].
Napi::Value Reduce(const Napi::CallbackInfo &info) {
  return guarded(info, [&]() -> Napi::Value {
    ScopedTimer timer("reduce");
    int op = info[0].As<Napi::Number>().Int32Value();
    auto p = intParams(info[2], 3, "dims");
    int64_t outer = p[0], reduced = p[1], inner = p[2];
    const float *x = floatData(info[1], outer * reduced * inner, "x");
    float *out = floatData(info[3], outer * inner, "out");
    if (reduced == 0) throw std::invalid_argument("cannot reduce an empty axis");
    const bool isMax = op == kRMax, isMin = op == kRMin;
    const float scale = op == kMean ? 1.f / float(reduced) : 1.f;
    // Accumulates rows [r0, r1) of block `o` into acc[inner].
    auto accumulate = [&](int64_t o, int64_t r0, int64_t r1, float *acc) {
      const float *base = x + o * reduced * inner;
      if (inner == 1) {
        float s = acc[0];
        if (isMax) {
          for (int64_t r = r0; r < r1; r++) s = std::max(s, base[r]);
        } else if (isMin) {
          for (int64_t r = r0; r < r1; r++) s = std::min(s, base[r]);
        } else {
#pragma omp simd reduction(+ : s)
          for (int64_t r = r0; r < r1; r++) s += base[r];
        }
        acc[0] = s;
        return;
      }
      for (int64_t r = r0; r < r1; r++) {
        const float *row = base + r * inner;
        if (isMax) {
#pragma omp simd
          for (int64_t i = 0; i < inner; i++) acc[i] = std::max(acc[i], row[i]);
        } else if (isMin) {
#pragma omp simd
          for (int64_t i = 0; i < inner; i++) acc[i] = std::min(acc[i], row[i]);
        } else {
#pragma omp simd
          for (int64_t i = 0; i < inner; i++) acc[i] += row[i];
        }
      }
    };
    const float init = isMax ? -INFINITY : (isMin ? INFINITY : 0.f);
    const int64_t total = outer * reduced * inner;
    const int threads = omp_get_max_threads();
    if (total < kParallelMin || outer >= threads) {
#pragma omp parallel for schedule(static) if (total >= kParallelMin)
      for (int64_t o = 0; o < outer; o++) {
        float *acc = out + o * inner;
        std::fill(acc, acc + inner, init);
        accumulate(o, 0, reduced, acc);
        if (scale != 1.f)
          for (int64_t i = 0; i < inner; i++) acc[i] *= scale;
      }
    } else {
      // Few output blocks (batch statistics: [1][n*h*w][c]): split the reduced axis, then combine the partials.
      std::vector<float> partial(size_t(threads) * outer * inner, init);
      int64_t chunk = (reduced + threads - 1) / threads;
#pragma omp parallel for schedule(static)
      for (int t = 0; t < threads; t++) {
        int64_t r0 = t * chunk, r1 = std::min(reduced, r0 + chunk);
        for (int64_t o = 0; o < outer && r0 < r1; o++) accumulate(o, r0, r1, &partial[(size_t(t) * outer + o) * inner]);
      }
      for (int64_t o = 0; o < outer; o++) {
        float *acc = out + o * inner;
        std::fill(acc, acc + inner, init);
        for (int t = 0; t < threads; t++) {
          const float *part = &partial[(size_t(t) * outer + o) * inner];
          for (int64_t i = 0; i < inner; i++) {
            acc[i] = isMax ? std::max(acc[i], part[i]) : isMin ? std::min(acc[i], part[i]) : acc[i] + part[i];
          }
        }
        if (scale != 1.f)
          for (int64_t i = 0; i < inner; i++) acc[i] *= scale;
      }
    }
    return info.Env().Undefined();
  });
}

// tile(x, xShape, reps, out): the output is built block by block with memcpy, innermost dimension first.
void tileInto(const float *x, const std::vector<int64_t> &shape, const std::vector<int64_t> &reps, size_t d,
              float *out) {
  // Size of one input block below dimension d, and of one output block below d.
  int64_t inBlock = 1, outBlock = 1;
  for (size_t k = d + 1; k < shape.size(); k++) {
    inBlock *= shape[k];
    outBlock *= shape[k] * reps[k];
  }
  if (d + 1 == shape.size()) {
    for (int64_t r = 0; r < reps[d]; r++) std::memcpy(out + r * shape[d], x, sizeof(float) * shape[d]);
    return;
  }
  for (int64_t i = 0; i < shape[d]; i++) tileInto(x + i * inBlock, shape, reps, d + 1, out + i * outBlock);
  int64_t once = shape[d] * outBlock;
  for (int64_t r = 1; r < reps[d]; r++) std::memcpy(out + r * once, out, sizeof(float) * once);
}

Napi::Value Tile(const Napi::CallbackInfo &info) {
  return guarded(info, [&]() -> Napi::Value {
    ScopedTimer timer("tile");
    auto shape = shapeOf(info[1], "xShape");
    auto reps = shapeOf(info[2], "reps");
    if (reps.size() != shape.size() || shape.empty()) throw std::invalid_argument("reps must match the rank");
    int64_t outSize = 1;
    for (size_t d = 0; d < shape.size(); d++) outSize *= shape[d] * reps[d];
    const float *x = floatData(info[0], sizeOf(shape), "x");
    float *out = floatData(info[3], outSize, "out");
    if (outSize > 0) tileInto(x, shape, reps, 0, out);
    return info.Env().Undefined();
  });
}

// batchNorm(x, channels, mean, variance, offset | null, scale | null, epsilon, out): per-channel statistics over
// the last axis, as tfjs' FusedBatchNorm kernel computes it.
Napi::Value BatchNorm(const Napi::CallbackInfo &info) {
  return guarded(info, [&]() -> Napi::Value {
    ScopedTimer timer("batchNorm");
    auto xs = info[0].As<Napi::Float32Array>();
    int64_t n = xs.ElementLength();
    int64_t c = info[1].As<Napi::Number>().Int64Value();
    if (c <= 0 || n % c != 0) throw std::invalid_argument("x size must be a multiple of the channels");
    const float *x = floatData(info[0], n, "x");
    const float *mean = floatData(info[2], c, "mean");
    const float *var = floatData(info[3], c, "variance");
    const float *offset = optionalFloatData(info[4], c, "offset");
    const float *scale = optionalFloatData(info[5], c, "scale");
    float eps = info[6].As<Napi::Number>().FloatValue();
    float *out = floatData(info[7], n, "out");
    // (x - mean) * mul + offset, as tfjs' cpu kernel computes it, not x * mul + (offset - mean * mul): that folded
    // form cancels when x is near the mean, leaving an error of one ulp of mean * mul where the result should be
    // ~0. Behind a ReLU that turns the sign of values within rounding of zero at random, and each such flip moves a
    // gradient by percents (the native-vs-cpu resnet18 gradient mismatch).
    std::vector<float> mul(c), add(c);
    for (int64_t i = 0; i < c; i++) {
      mul[i] = (scale ? scale[i] : 1.f) / std::sqrt(var[i] + eps);
      add[i] = offset ? offset[i] : 0.f;
    }
    int64_t rows = n / c;
    const float *m = mul.data(), *ad = add.data();
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
    for (int64_t r = 0; r < rows; r++) {
      const float *xr = x + r * c;
      float *o = out + r * c;
#pragma omp simd
      for (int64_t i = 0; i < c; i++) o[i] = (xr[i] - mean[i]) * m[i] + ad[i];
    }
    return info.Env().Undefined();
  });
}

// addN(inputs[], out)
Napi::Value AddN(const Napi::CallbackInfo &info) {
  return guarded(info, [&]() -> Napi::Value {
    ScopedTimer timer("addN");
    auto list = info[0].As<Napi::Array>();
    auto outArray = info[1].As<Napi::Float32Array>();
    int64_t n = outArray.ElementLength();
    float *out = floatData(info[1], n, "out");
    std::vector<const float *> xs;
    for (uint32_t i = 0; i < list.Length(); i++) xs.push_back(floatData(list.Get(i), n, "input"));
    if (xs.empty()) throw std::invalid_argument("addN needs inputs");
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
    for (int64_t start = 0; start < n; start += 4096) {
      int64_t end = std::min(n, start + 4096);
      std::memcpy(out + start, xs[0] + start, sizeof(float) * (end - start));
      for (size_t k = 1; k < xs.size(); k++) {
        const float *x = xs[k];
#pragma omp simd
        for (int64_t i = start; i < end; i++) out[i] += x[i];
      }
    }
    return info.Env().Undefined();
  });
}

// toFloat(values, out): a float32 tensor may hold a Uint8Array or Int32Array (tfjs casts bool and int32 to
// float32 without copying), which the float kernels read through this conversion.
Napi::Value ToFloat(const Napi::CallbackInfo &info) {
  return guarded(info, [&]() -> Napi::Value {
    ScopedTimer timer("toFloat");
    if (!info[0].IsTypedArray()) throw std::invalid_argument("values must be a typed array");
    auto src = info[0].As<Napi::TypedArray>();
    int64_t n = src.ElementLength();
    float *out = floatData(info[1], n, "out");
    if (src.TypedArrayType() == napi_uint8_array) {
      const uint8_t *v = info[0].As<Napi::Uint8Array>().Data();
#pragma omp parallel for simd schedule(static) if (n >= kParallelMin)
      for (int64_t i = 0; i < n; i++) out[i] = float(v[i]);
    } else if (src.TypedArrayType() == napi_int32_array) {
      const int32_t *v = info[0].As<Napi::Int32Array>().Data();
#pragma omp parallel for simd schedule(static) if (n >= kParallelMin)
      for (int64_t i = 0; i < n; i++) out[i] = float(v[i]);
    } else {
      throw std::invalid_argument("values must be a Uint8Array or Int32Array");
    }
    return info.Env().Undefined();
  });
}

}  // namespace

void registerElementwise(Napi::Env env, Napi::Object exports) {
  exports.Set("toFloat", Napi::Function::New(env, ToFloat));
  exports.Set("binary", Napi::Function::New(env, Binary));
  exports.Set("unary", Napi::Function::New(env, Unary));
  exports.Set("reduce", Napi::Function::New(env, Reduce));
  exports.Set("tile", Napi::Function::New(env, Tile));
  exports.Set("batchNorm", Napi::Function::New(env, BatchNorm));
  exports.Set("addN", Napi::Function::New(env, AddN));
  exports.Set("activationGrad", Napi::Function::New(env, ActivationGrad));
}

}  // namespace dfl

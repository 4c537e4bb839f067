// The filter gradient of a depthwise convolution with channel multiplier 1, NHWC. oneDNN 2.6 has a fast kernel for
// it only with 3x3 filters: 5x5 ones (EfficientNet's) ran its generic grouped-convolution kernel at 2-4 GFLOP/s,
// about a tenth of an EfficientNet training step; here they run 5-7x faster. Channels go in blocks of 16 (one
// AVX-512 vector, contiguous in NHWC), with one accumulator vector per filter tap held in registers along an output
// row: one load of x per multiply-add.
#include <algorithm>

#include "common.h"

namespace dfl {
namespace {

constexpr int kLanes = 16;
typedef float Vec __attribute__((vector_size(kLanes * sizeof(float))));
// The same vector type without the alignment requirement, for loads from rows of any channel count.
typedef float UnalignedVec __attribute__((vector_size(kLanes * sizeof(float)), aligned(alignof(float))));

inline Vec load(const float *p) { return *reinterpret_cast<const UnalignedVec *>(p); }

struct DepthwiseShape {
  int64_t n, ih, iw, c, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl;
};

// One output row of one image, channels [c0, c0 + kLanes): adds x * dy of every tap into acc (taps x kLanes
// floats), held in registers across the row.
template <int KH, int KW>
void rowBlock(const DepthwiseShape &s, const float *x, const float *dy, int64_t oy, int64_t c0, float *acc) {
  constexpr int kTaps = KH * KW;
  Vec a[kTaps];
  for (int t = 0; t < kTaps; t++) a[t] = load(acc + t * kLanes);
  // The input row of each filter row, or null where it falls in the padding: fixed along the output row.
  const float *rows[KH];
  for (int ky = 0; ky < KH; ky++) {
    const int64_t iy = oy * s.sh - s.pt + ky * s.dh;
    rows[ky] = iy < 0 || iy >= s.ih ? nullptr : x + iy * s.iw * s.c + c0;
  }
  const int64_t xStep = s.dw * s.c;
  for (int64_t ox = 0; ox < s.ow; ox++) {
    const Vec g = load(dy + (oy * s.ow + ox) * s.c + c0);
    const int64_t ix0 = ox * s.sw - s.pl;
    if (ix0 >= 0 && ix0 + (KW - 1) * s.dw < s.iw) {  // every column inside: no checks per tap
#pragma GCC unroll 8
      for (int ky = 0; ky < KH; ky++) {
        if (!rows[ky]) continue;
        const float *in = rows[ky] + ix0 * s.c;
#pragma GCC unroll 8
        for (int kx = 0; kx < KW; kx++) a[ky * KW + kx] += load(in + kx * xStep) * g;
      }
      continue;
    }
#pragma GCC unroll 8
    for (int ky = 0; ky < KH; ky++) {
      if (!rows[ky]) continue;
#pragma GCC unroll 8
      for (int kx = 0; kx < KW; kx++) {
        const int64_t ix = ix0 + kx * s.dw;
        if (ix < 0 || ix >= s.iw) continue;
        a[ky * KW + kx] += load(rows[ky] + ix * s.c) * g;
      }
    }
  }
  for (int t = 0; t < kTaps; t++) *reinterpret_cast<UnalignedVec *>(acc + t * kLanes) = a[t];
}

// The same for the channels [c0, s.c) left over after the last whole vector, one at a time.
void rowTail(const DepthwiseShape &s, const float *x, const float *dy, int64_t oy, int64_t c0, float *acc) {
  const int64_t width = s.c - c0;
  for (int64_t ox = 0; ox < s.ow; ox++) {
    const float *g = dy + (oy * s.ow + ox) * s.c + c0;
    for (int64_t ky = 0; ky < s.kh; ky++) {
      const int64_t iy = oy * s.sh - s.pt + ky * s.dh;
      if (iy < 0 || iy >= s.ih) continue;
      for (int64_t kx = 0; kx < s.kw; kx++) {
        const int64_t ix = ox * s.sw - s.pl + kx * s.dw;
        if (ix < 0 || ix >= s.iw) continue;
        const float *in = x + (iy * s.iw + ix) * s.c + c0;
        float *out = acc + (ky * s.kw + kx) * width;
        for (int64_t j = 0; j < width; j++) out[j] += in[j] * g[j];
      }
    }
  }
}

using RowFn = void (*)(const DepthwiseShape &, const float *, const float *, int64_t, int64_t, float *);

// 3x3 stays with oneDNN: its jit_dw kernel is as fast as this one on MobileNet's and EfficientNet's 3x3 layers
// (+-30% per layer either way, the same in sum).
RowFn rowFor(int64_t kh, int64_t kw) {
  if (kh == 5 && kw == 5) return rowBlock<5, 5>;
  if (kh == 7 && kw == 7) return rowBlock<7, 7>;
  if (kh == 1 && kw == 1) return rowBlock<1, 1>;
  return nullptr;
}

// depthwiseBackwardWeights(params, x, dy, dw) -> whether it was computed: params as convBackwardWeights' (conv.cc),
// with groups = in = out channels; dw in tfjs' [kh][kw][channels][1] layout. False (dw untouched) for filter sizes
// without a vector kernel here, which oneDNN's grouped convolution then takes.
//
// Rows are walked in memory order, all channel blocks of a row before the next row, so x and dy stream from memory
// once (the rows a tap revisits are in cache). Each thread takes whole images; an image's sums are float (at most
// oh * ow terms each), images add up in double per thread, threads in a fixed order.
Napi::Value DepthwiseBackwardWeights(const Napi::CallbackInfo &info) {
  return guarded(info, [&]() -> Napi::Value {
    ScopedTimer timer("depthwiseBackwardWeights");
    auto p = intParams(info[0], 18, "params");
    // n, ih, iw, ic, oh, ow, oc, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, groups
    if (p[3] != p[6] || p[17] != p[3]) throw std::invalid_argument("depthwiseBackwardWeights takes multiplier 1 only");
    DepthwiseShape s{p[0], p[1], p[2], p[3], p[4], p[5], p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14]};
    const int64_t taps = s.kh * s.kw;
    const float *x = floatData(info[1], s.n * s.ih * s.iw * s.c, "x");
    const float *dy = floatData(info[2], s.n * s.oh * s.ow * s.c, "dy");
    float *dw = floatData(info[3], taps * s.c, "dw");
    const RowFn row = rowFor(s.kh, s.kw);
    if (!row) return Napi::Boolean::New(info.Env(), false);
    const int64_t vectors = s.c / kLanes, tail = vectors * kLanes;
    const int64_t xImage = s.ih * s.iw * s.c, dyImage = s.oh * s.ow * s.c;
    const int threads = s.n * dyImage * taps >= (1 << 16) ? std::min<int64_t>(omp_get_max_threads(), s.n) : 1;
    // per thread: the image's float sums (vector blocks [block][tap][lane], then the tail [tap][channel]) and
    // the double totals in the same order
    const int64_t size = taps * s.c;
    std::vector<double> totals(size_t(threads) * size, 0.0);
#pragma omp parallel num_threads(threads)
    {
      const int t = omp_get_thread_num();
      std::vector<float> acc(size);
      double *total = &totals[size_t(t) * size];
      const int64_t chunk = (s.n + threads - 1) / threads;
      for (int64_t i = t * chunk; i < std::min(s.n, (t + 1) * chunk); i++) {
        std::fill(acc.begin(), acc.end(), 0.f);
        const float *xi = x + i * xImage, *dyi = dy + i * dyImage;
        for (int64_t oy = 0; oy < s.oh; oy++) {
          for (int64_t b = 0; b < vectors; b++) row(s, xi, dyi, oy, b * kLanes, &acc[b * taps * kLanes]);
          if (tail < s.c) rowTail(s, xi, dyi, oy, tail, &acc[tail * taps]);
        }
        for (int64_t k = 0; k < size; k++) total[k] += acc[k];
      }
    }
    for (int64_t b = 0; b < vectors; b++)
      for (int64_t tap = 0; tap < taps; tap++)
        for (int64_t j = 0; j < kLanes; j++) {
          const int64_t k = (b * taps + tap) * kLanes + j;
          double sum = 0;
          for (int t = 0; t < threads; t++) sum += totals[size_t(t) * size + k];
          dw[tap * s.c + b * kLanes + j] = float(sum);
        }
    const int64_t width = s.c - tail;
    for (int64_t tap = 0; tap < taps; tap++)
      for (int64_t j = 0; j < width; j++) {
        const int64_t k = tail * taps + tap * width + j;
        double sum = 0;
        for (int t = 0; t < threads; t++) sum += totals[size_t(t) * size + k];
        dw[tap * s.c + tail + j] = float(sum);
      }
    return Napi::Boolean::New(info.Env(), true);
  });
}

}  // namespace

void registerDepthwise(Napi::Env env, Napi::Object exports) {
  exports.Set("depthwiseBackwardWeights", Napi::Function::New(env, DepthwiseBackwardWeights));
}

}  // namespace dfl

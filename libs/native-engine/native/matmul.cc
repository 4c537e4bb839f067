// Batched matrix products with optional transposes, batch broadcasting, bias and activation (tfjs BatchMatMul
// and _FusedMatMul). Transposes are strides, never copies.
#include <omp.h>

#include <algorithm>

#include "common.h"

namespace dfl {

namespace {

struct MatmulShape {
  int64_t ba, bb, m, k, n, transA, transB;
  explicit MatmulShape(const std::vector<int64_t> &p)
      : ba(p[0]), bb(p[1]), m(p[2]), k(p[3]), n(p[4]), transA(p[5]), transB(p[6]) {
    if (ba != bb && ba != 1 && bb != 1) throw std::invalid_argument("batch dimensions must match or be 1");
  }
  int64_t batch() const { return std::max(ba, bb); }
  memory::desc a() const {
    return memory::desc({ba, m, k}, dt::f32, transA ? dims{m * k, 1, m} : dims{m * k, k, 1});
  }
  memory::desc b() const {
    return memory::desc({bb, k, n}, dt::f32, transB ? dims{k * n, 1, k} : dims{k * n, n, 1});
  }
  memory::desc c() const { return memory::desc({batch(), m, n}, dt::f32, tag::abc); }
  memory::desc bias() const { return memory::desc({1, 1, n}, dt::f32, tag::abc); }
};

// A row vector times a matrix ([1,k] x [k,n], e.g. a weighted sum over the n*h*w rows of an activation): oneDNN
// runs this memory-bound product on one thread, so split k over the threads and add the partial rows.
void rowTimesMatrix(const float *a, const float *b, float *c, int64_t k, int64_t n) {
  int threads = omp_get_max_threads();
  std::vector<float> partial(size_t(threads) * n, 0.f);
  int64_t chunk = (k + threads - 1) / threads;
#pragma omp parallel for schedule(static)
  for (int t = 0; t < threads; t++) {
    float *acc = &partial[size_t(t) * n];
    for (int64_t r = t * chunk; r < std::min(k, (t + 1) * chunk); r++) {
      const float w = a[r];
      const float *row = b + r * n;
#pragma omp simd
      for (int64_t j = 0; j < n; j++) acc[j] += w * row[j];
    }
  }
  for (int64_t j = 0; j < n; j++) {
    float sum = 0.f;
    for (int t = 0; t < threads; t++) sum += partial[size_t(t) * n + j];
    c[j] = sum;
  }
}

// matmul(params, activation, alpha, a, b, bias | null, c)
Napi::Value Matmul(const Napi::CallbackInfo &info) {
  return guarded(info, [&]() -> Napi::Value {
    ScopedTimer timer("matmul");
    static std::unordered_map<std::string, dnnl::matmul> cache;
    auto params = intParams(info[0], 7, "params");
    MatmulShape s(params);
    int activation = info[1].As<Napi::Number>().Int32Value();
    float alpha = info[2].As<Napi::Number>().FloatValue();
    float *a = floatData(info[3], s.ba * s.m * s.k, "a");
    float *b = floatData(info[4], s.bb * s.k * s.n, "b");
    float *bias = optionalFloatData(info[5], s.n, "bias");
    float *c = floatData(info[6], s.batch() * s.m * s.n, "c");
    if (s.ba == 1 && s.bb == 1 && s.m == 1 && !s.transB && !bias && activation == 0 && s.k * s.n >= (1 << 16)) {
      rowTimesMatrix(a, b, c, s.k, s.n);
      return info.Env().Undefined();
    }
    auto key = keyOf(bias ? "matmul_bias" : "matmul", params, {double(activation), alpha});
    auto it = cache.find(key);
    if (it == cache.end()) {
      dnnl::post_ops ops;
      appendActivation(ops, activation, alpha);
      dnnl::primitive_attr attr;
      attr.set_post_ops(ops);
      dnnl::matmul::desc d(s.a(), s.b(), bias ? s.bias() : memory::desc(), s.c());
      dnnl::matmul::primitive_desc pd(d, attr, cpuEngine());
      it = cache.emplace(key, dnnl::matmul(pd)).first;
      primitiveImpls()[key] = pd.impl_info_str();
    }
    auto &eng = cpuEngine();
    std::unordered_map<int, memory> args = {{DNNL_ARG_SRC, memory(s.a(), eng, a)},
                                            {DNNL_ARG_WEIGHTS, memory(s.b(), eng, b)},
                                            {DNNL_ARG_DST, memory(s.c(), eng, c)}};
    if (bias) args.insert({DNNL_ARG_BIAS, memory(s.bias(), eng, bias)});
    it->second.execute(cpuStream(), args);
    cpuStream().wait();
    return info.Env().Undefined();
  });
}

}  // namespace

void registerMatmul(Napi::Env env, Napi::Object exports) {
  exports.Set("matmul", Napi::Function::New(env, Matmul));
}

}  // namespace dfl

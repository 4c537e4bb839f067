// Max and average pooling (average excludes padding, as TensorFlow does) and their gradients, NHWC.
#include "common.h"

namespace dfl {
namespace {

using dnnl::algorithm;
using dnnl::prop_kind;

struct PoolShape {
  int64_t n, ih, iw, c, oh, ow, kh, kw, sh, sw, pt, pl, pb, pr;
  explicit PoolShape(const std::vector<int64_t> &p)
      : n(p[0]), ih(p[1]), iw(p[2]), c(p[3]), oh(p[4]), ow(p[5]), kh(p[6]), kw(p[7]), sh(p[8]), sw(p[9]),
        pt(p[10]), pl(p[11]), pb(p[12]), pr(p[13]) {}
  size_t srcSize() const { return n * ih * iw * c; }
  size_t dstSize() const { return n * oh * ow * c; }
  memory::desc src() const { return nhwcDesc(n, c, ih, iw); }
  memory::desc dst() const { return nhwcDesc(n, c, oh, ow); }
  dnnl::pooling_forward::desc forwardDesc(prop_kind prop, algorithm alg) const {
    return dnnl::pooling_forward::desc(prop, alg, src(), dst(), {sh, sw}, {kh, kw}, {pt, pl}, {pb, pr});
  }
};

algorithm poolAlgorithm(int code) {
  return code == 0 ? algorithm::pooling_max : algorithm::pooling_avg_exclude_padding;
}

// poolForward(params, algorithm (0 max, 1 avg), x, y)
Napi::Value PoolForward(const Napi::CallbackInfo &info) {
  return guarded(info, [&]() -> Napi::Value {
    ScopedTimer timer("poolForward");
    static std::unordered_map<std::string, dnnl::pooling_forward> cache;
    auto params = intParams(info[0], 14, "params");
    PoolShape s(params);
    int alg = info[1].As<Napi::Number>().Int32Value();
    float *x = floatData(info[2], s.srcSize(), "x");
    float *y = floatData(info[3], s.dstSize(), "y");
    auto key = keyOf("pool_fwd", params, {double(alg)});
    auto it = cache.find(key);
    if (it == cache.end()) {
      dnnl::pooling_forward::primitive_desc pd(s.forwardDesc(prop_kind::forward_inference, poolAlgorithm(alg)),
                                               cpuEngine());
      it = cache.emplace(key, dnnl::pooling_forward(pd)).first;
      primitiveImpls()[key] = pd.impl_info_str();
    }
    auto &eng = cpuEngine();
    it->second.execute(cpuStream(), {{DNNL_ARG_SRC, memory(s.src(), eng, x)}, {DNNL_ARG_DST, memory(s.dst(), eng, y)}});
    cpuStream().wait();
    return info.Env().Undefined();
  });
}

struct MaxBackward {
  dnnl::pooling_forward forward;  // recomputes where the maxima are (tfjs does not keep a workspace)
  dnnl::pooling_backward backward;
  memory workspace, output;
};

// maxPoolBackward(params, x, dy, dx)
Napi::Value MaxPoolBackward(const Napi::CallbackInfo &info) {
  return guarded(info, [&]() -> Napi::Value {
    ScopedTimer timer("maxPoolBackward");
    static std::unordered_map<std::string, MaxBackward> cache;
    auto params = intParams(info[0], 14, "params");
    PoolShape s(params);
    float *x = floatData(info[1], s.srcSize(), "x");
    float *dy = floatData(info[2], s.dstSize(), "dy");
    float *dx = floatData(info[3], s.srcSize(), "dx");
    auto key = keyOf("maxpool_bwd", params);
    auto it = cache.find(key);
    auto &eng = cpuEngine();
    if (it == cache.end()) {
      dnnl::pooling_forward::primitive_desc fwd(s.forwardDesc(prop_kind::forward_training, algorithm::pooling_max),
                                                eng);
      dnnl::pooling_backward::desc d(algorithm::pooling_max, s.src(), s.dst(), {s.sh, s.sw}, {s.kh, s.kw},
                                     {s.pt, s.pl}, {s.pb, s.pr});
      dnnl::pooling_backward::primitive_desc bwd(d, eng, fwd);
      MaxBackward m{dnnl::pooling_forward(fwd), dnnl::pooling_backward(bwd), memory(fwd.workspace_desc(), eng),
                    memory(s.dst(), eng)};
      it = cache.emplace(key, m).first;
      primitiveImpls()[key] = bwd.impl_info_str();
    }
    auto &m = it->second;
    auto &stream = cpuStream();
    m.forward.execute(stream, {{DNNL_ARG_SRC, memory(s.src(), eng, x)},
                               {DNNL_ARG_DST, m.output},
                               {DNNL_ARG_WORKSPACE, m.workspace}});
    m.backward.execute(stream, {{DNNL_ARG_DIFF_DST, memory(s.dst(), eng, dy)},
                                {DNNL_ARG_WORKSPACE, m.workspace},
                                {DNNL_ARG_DIFF_SRC, memory(s.src(), eng, dx)}});
    stream.wait();
    return info.Env().Undefined();
  });
}

// avgPoolBackward(params, dy, dx)
Napi::Value AvgPoolBackward(const Napi::CallbackInfo &info) {
  return guarded(info, [&]() -> Napi::Value {
    ScopedTimer timer("avgPoolBackward");
    static std::unordered_map<std::string, dnnl::pooling_backward> cache;
    auto params = intParams(info[0], 14, "params");
    PoolShape s(params);
    float *dy = floatData(info[1], s.dstSize(), "dy");
    float *dx = floatData(info[2], s.srcSize(), "dx");
    auto key = keyOf("avgpool_bwd", params);
    auto it = cache.find(key);
    auto &eng = cpuEngine();
    if (it == cache.end()) {
      auto alg = algorithm::pooling_avg_exclude_padding;
      dnnl::pooling_forward::primitive_desc fwd(s.forwardDesc(prop_kind::forward_training, alg), eng);
      dnnl::pooling_backward::desc d(alg, s.src(), s.dst(), {s.sh, s.sw}, {s.kh, s.kw}, {s.pt, s.pl}, {s.pb, s.pr});
      dnnl::pooling_backward::primitive_desc bwd(d, eng, fwd);
      it = cache.emplace(key, dnnl::pooling_backward(bwd)).first;
      primitiveImpls()[key] = bwd.impl_info_str();
    }
    it->second.execute(cpuStream(),
                       {{DNNL_ARG_DIFF_DST, memory(s.dst(), eng, dy)}, {DNNL_ARG_DIFF_SRC, memory(s.src(), eng, dx)}});
    cpuStream().wait();
    return info.Env().Undefined();
  });
}

}  // namespace

void registerPool(Napi::Env env, Napi::Object exports) {
  exports.Set("poolForward", Napi::Function::New(env, PoolForward));
  exports.Set("maxPoolBackward", Napi::Function::New(env, MaxPoolBackward));
  exports.Set("avgPoolBackward", Napi::Function::New(env, AvgPoolBackward));
}

}  // namespace dfl

// Convolutions (plain and grouped, which covers depthwise), forward with fused bias and activation, and both
// gradients. Activations stay NHWC; weights are read and written in tfjs' [kh, kw, in, out] layout.
#include "common.h"

namespace dfl {

using dnnl::algorithm;
using dnnl::prop_kind;

// tfjs activation codes: 0 linear, 1 relu, 2 relu6, 3 leakyrelu(alpha), 4 sigmoid, 5 elu; and ours, which tfjs'
// fused ops do not have: 6 silu (x * sigmoid(x), oneDNN's swish with alpha 1).
void appendActivation(dnnl::post_ops &ops, int activation, float alpha) {
  switch (activation) {
    case 0: return;  // linear
    case 1: ops.append_eltwise(1.f, algorithm::eltwise_relu, 0.f, 0.f); return;
    case 2: ops.append_eltwise(1.f, algorithm::eltwise_clip, 0.f, 6.f); return;
    case 3: ops.append_eltwise(1.f, algorithm::eltwise_relu, alpha, 0.f); return;  // leaky relu
    case 4: ops.append_eltwise(1.f, algorithm::eltwise_logistic, 0.f, 0.f); return;
    case 5: ops.append_eltwise(1.f, algorithm::eltwise_elu, 1.f, 0.f); return;
    case 6: ops.append_eltwise(1.f, algorithm::eltwise_swish, 1.f, 0.f); return;
    default: throw std::invalid_argument("unknown activation code " + std::to_string(activation));
  }
}

namespace {

// The 18 integers the TS side sends, in this order.
struct ConvShape {
  int64_t n, ih, iw, ic, oh, ow, oc, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, g;

  explicit ConvShape(const std::vector<int64_t> &p)
      : n(p[0]), ih(p[1]), iw(p[2]), ic(p[3]), oh(p[4]), ow(p[5]), oc(p[6]), kh(p[7]), kw(p[8]), sh(p[9]),
        sw(p[10]), dh(p[11]), dw(p[12]), pt(p[13]), pl(p[14]), pb(p[15]), pr(p[16]), g(p[17]) {
    if (g < 1 || ic % g != 0 || oc % g != 0) throw std::invalid_argument("channels must divide into groups");
  }
  size_t srcSize() const { return n * ih * iw * ic; }
  size_t dstSize() const { return n * oh * ow * oc; }
  size_t weightsSize() const { return kh * kw * (ic / g) * oc; }
  memory::desc src() const { return nhwcDesc(n, ic, ih, iw); }
  memory::desc dst() const { return nhwcDesc(n, oc, oh, ow); }
  dims weightDims() const { return g == 1 ? dims{oc, ic, kh, kw} : dims{g, oc / g, ic / g, kh, kw}; }
  // tfjs keeps filters as [kh][kw][in][out]; a depthwise filter [kh][kw][in][multiplier] is the grouped case
  // with one input channel per group.
  memory::desc userWeights() const {
    if (g == 1) return memory::desc(weightDims(), dt::f32, tag::hwio);
    int64_t og = oc / g, ig = ic / g;
    return memory::desc(weightDims(), dt::f32, dims{ig * og, 1, og, kw * g * ig * og, g * ig * og});
  }
  memory::desc anyWeights() const { return memory::desc(weightDims(), dt::f32, tag::any); }

  dnnl::convolution_forward::desc forwardDesc(prop_kind prop, bool bias) const {
    memory::desc biasMd = bias ? memory::desc({oc}, dt::f32, tag::x) : memory::desc();
    return dnnl::convolution_forward::desc(prop, algorithm::convolution_direct, src(), anyWeights(), biasMd, dst(),
                                           {sh, sw}, {dh - 1, dw - 1}, {pt, pl}, {pb, pr});
  }
};

struct Cached {
  dnnl::primitive primitive;
  Staging weights;
};

Cached &remember(std::unordered_map<std::string, Cached> &cache, const std::string &key, dnnl::primitive p,
                 const char *impl, const memory::desc &userW, const memory::desc &primW, bool toUser) {
  Cached &c = cache[key];
  c.primitive = p;
  c.weights.prepare(userW, primW, toUser);
  primitiveImpls()[key] = impl;
  return c;
}

// convForward(params, activation, alpha, x, w, bias | null, y)
Napi::Value ConvForward(const Napi::CallbackInfo &info) {
  return guarded(info, [&]() -> Napi::Value {
    ScopedTimer timer("convForward");
    static std::unordered_map<std::string, Cached> cache;
    auto params = intParams(info[0], 18, "params");
    ConvShape s(params);
    int activation = info[1].As<Napi::Number>().Int32Value();
    float alpha = info[2].As<Napi::Number>().FloatValue();
    float *x = floatData(info[3], s.srcSize(), "x");
    float *w = floatData(info[4], s.weightsSize(), "filter");
    float *bias = optionalFloatData(info[5], s.oc, "bias");
    float *y = floatData(info[6], s.dstSize(), "y");
    auto key = keyOf(bias ? "conv_fwd_bias" : "conv_fwd", params, {double(activation), alpha});
    auto it = cache.find(key);
    if (it == cache.end()) {
      dnnl::post_ops ops;
      appendActivation(ops, activation, alpha);
      dnnl::primitive_attr attr;
      attr.set_post_ops(ops);
      dnnl::convolution_forward::primitive_desc pd(s.forwardDesc(prop_kind::forward_inference, bias), attr,
                                                    cpuEngine());
      remember(cache, key, dnnl::convolution_forward(pd), pd.impl_info_str(), s.userWeights(), pd.weights_desc(),
               false);
      it = cache.find(key);
    }
    Cached &c = it->second;
    auto &eng = cpuEngine();
    auto &stream = cpuStream();
    memory userW(s.userWeights(), eng, w);
    if (c.weights.needed) c.weights.reorder.execute(stream, userW, c.weights.buffer);
    std::unordered_map<int, memory> args = {{DNNL_ARG_SRC, memory(s.src(), eng, x)},
                                            {DNNL_ARG_WEIGHTS, c.weights.needed ? c.weights.buffer : userW},
                                            {DNNL_ARG_DST, memory(s.dst(), eng, y)}};
    if (bias) args.insert({DNNL_ARG_BIAS, memory(memory::desc({s.oc}, dt::f32, tag::x), eng, bias)});
    c.primitive.execute(stream, args);
    stream.wait();
    return info.Env().Undefined();
  });
}

// convBackwardData(params, dy, w, dx)
Napi::Value ConvBackwardData(const Napi::CallbackInfo &info) {
  return guarded(info, [&]() -> Napi::Value {
    ScopedTimer timer("convBackwardData");
    static std::unordered_map<std::string, Cached> cache;
    auto params = intParams(info[0], 18, "params");
    ConvShape s(params);
    float *dy = floatData(info[1], s.dstSize(), "dy");
    float *w = floatData(info[2], s.weightsSize(), "filter");
    float *dx = floatData(info[3], s.srcSize(), "dx");
    auto key = keyOf("conv_bwd_data", params);
    auto it = cache.find(key);
    if (it == cache.end()) {
      dnnl::convolution_forward::primitive_desc hint(s.forwardDesc(prop_kind::forward_training, false), cpuEngine());
      dnnl::convolution_backward_data::desc d(algorithm::convolution_direct, s.src(), s.anyWeights(), s.dst(),
                                              {s.sh, s.sw}, {s.dh - 1, s.dw - 1}, {s.pt, s.pl}, {s.pb, s.pr});
      dnnl::convolution_backward_data::primitive_desc pd(d, cpuEngine(), hint);
      remember(cache, key, dnnl::convolution_backward_data(pd), pd.impl_info_str(), s.userWeights(),
               pd.weights_desc(), false);
      it = cache.find(key);
    }
    Cached &c = it->second;
    auto &eng = cpuEngine();
    auto &stream = cpuStream();
    memory userW(s.userWeights(), eng, w);
    if (c.weights.needed) c.weights.reorder.execute(stream, userW, c.weights.buffer);
    c.primitive.execute(stream, {{DNNL_ARG_DIFF_DST, memory(s.dst(), eng, dy)},
                                 {DNNL_ARG_WEIGHTS, c.weights.needed ? c.weights.buffer : userW},
                                 {DNNL_ARG_DIFF_SRC, memory(s.src(), eng, dx)}});
    stream.wait();
    return info.Env().Undefined();
  });
}

// convBackwardWeights(params, x, dy, dw)
Napi::Value ConvBackwardWeights(const Napi::CallbackInfo &info) {
  return guarded(info, [&]() -> Napi::Value {
    ScopedTimer timer("convBackwardWeights");
    static std::unordered_map<std::string, Cached> cache;
    auto params = intParams(info[0], 18, "params");
    ConvShape s(params);
    float *x = floatData(info[1], s.srcSize(), "x");
    float *dy = floatData(info[2], s.dstSize(), "dy");
    float *dw = floatData(info[3], s.weightsSize(), "dw");
    auto key = keyOf("conv_bwd_weights", params);
    auto it = cache.find(key);
    if (it == cache.end()) {
      dnnl::convolution_forward::primitive_desc hint(s.forwardDesc(prop_kind::forward_training, false), cpuEngine());
      dnnl::convolution_backward_weights::desc d(algorithm::convolution_direct, s.src(), s.anyWeights(), s.dst(),
                                                 {s.sh, s.sw}, {s.dh - 1, s.dw - 1}, {s.pt, s.pl}, {s.pb, s.pr});
      dnnl::convolution_backward_weights::primitive_desc pd(d, cpuEngine(), hint);
      remember(cache, key, dnnl::convolution_backward_weights(pd), pd.impl_info_str(), s.userWeights(),
               pd.diff_weights_desc(), true);
      it = cache.find(key);
    }
    Cached &c = it->second;
    auto &eng = cpuEngine();
    auto &stream = cpuStream();
    memory userW(s.userWeights(), eng, dw);
    c.primitive.execute(stream, {{DNNL_ARG_SRC, memory(s.src(), eng, x)},
                                 {DNNL_ARG_DIFF_DST, memory(s.dst(), eng, dy)},
                                 {DNNL_ARG_DIFF_WEIGHTS, c.weights.needed ? c.weights.buffer : userW}});
    if (c.weights.needed) c.weights.reorder.execute(stream, c.weights.buffer, userW);
    stream.wait();
    return info.Env().Undefined();
  });
}

}  // namespace

void registerConv(Napi::Env env, Napi::Object exports) {
  exports.Set("convForward", Napi::Function::New(env, ConvForward));
  exports.Set("convBackwardData", Napi::Function::New(env, ConvBackwardData));
  exports.Set("convBackwardWeights", Napi::Function::New(env, ConvBackwardWeights));
}

}  // namespace dfl

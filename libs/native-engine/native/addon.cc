// Entry point of the native engine addon: threads, version, statistics, and the kernel families.
#include <omp.h>

#include "common.h"

namespace dfl {

dnnl::engine &cpuEngine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream &cpuStream() {
  static dnnl::stream stream(cpuEngine());
  return stream;
}

std::map<std::string, KernelStat> &kernelStats() {
  static std::map<std::string, KernelStat> stats;
  return stats;
}

std::map<std::string, std::string> &primitiveImpls() {
  static std::map<std::string, std::string> impls;
  return impls;
}

float *floatData(const Napi::Value &value, size_t expected, const char *name) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw std::invalid_argument(std::string(name) + " must be a Float32Array");
  }
  auto array = value.As<Napi::Float32Array>();
  if (array.ElementLength() != expected) {
    throw std::invalid_argument(std::string(name) + " holds " + std::to_string(array.ElementLength()) +
                                " floats, expected " + std::to_string(expected));
  }
  return array.Data();
}

float *optionalFloatData(const Napi::Value &value, size_t expected, const char *name) {
  if (value.IsNull() || value.IsUndefined()) return nullptr;
  return floatData(value, expected, name);
}

std::vector<int64_t> intParams(const Napi::Value &value, size_t expected, const char *name) {
  std::vector<int64_t> out;
  if (value.IsTypedArray() && value.As<Napi::TypedArray>().TypedArrayType() == napi_int32_array) {
    auto array = value.As<Napi::Int32Array>();
    for (size_t i = 0; i < array.ElementLength(); i++) out.push_back(array[i]);
  } else if (value.IsArray()) {
    auto array = value.As<Napi::Array>();
    for (uint32_t i = 0; i < array.Length(); i++) out.push_back(array.Get(i).As<Napi::Number>().Int64Value());
  } else {
    throw std::invalid_argument(std::string(name) + " must be an array of integers");
  }
  if (out.size() != expected) {
    throw std::invalid_argument(std::string(name) + " must hold " + std::to_string(expected) + " integers");
  }
  return out;
}

std::string keyOf(const char *kind, const std::vector<int64_t> &params, const std::vector<double> &extra) {
  std::string key(kind);
  for (auto p : params) key += ',' + std::to_string(p);
  for (auto e : extra) key += ',' + std::to_string(e);
  return key;
}

namespace {

Napi::Value SetThreads(const Napi::CallbackInfo &info) {
  int n = info[0].As<Napi::Number>().Int32Value();
  if (n > 0) omp_set_num_threads(n);
  return Napi::Number::New(info.Env(), omp_get_max_threads());
}

Napi::Value GetThreads(const Napi::CallbackInfo &info) { return Napi::Number::New(info.Env(), omp_get_max_threads()); }

Napi::Value Version(const Napi::CallbackInfo &info) {
  const dnnl_version_t *v = dnnl_version();
  auto out = Napi::Object::New(info.Env());
  out.Set("onednn", std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch));
  out.Set("cpuRuntime", v->cpu_runtime == DNNL_RUNTIME_OMP ? "omp" : "other");
  static const std::map<dnnl::cpu_isa, const char *> isaNames = {
      {dnnl::cpu_isa::sse41, "sse41"},          {dnnl::cpu_isa::avx, "avx"},
      {dnnl::cpu_isa::avx2, "avx2"},            {dnnl::cpu_isa::avx512_core, "avx512_core"},
      {dnnl::cpu_isa::avx512_core_vnni, "avx512_core_vnni"}, {dnnl::cpu_isa::avx512_core_bf16, "avx512_core_bf16"},
      {dnnl::cpu_isa::avx512_core_amx, "avx512_core_amx"},
  };
  auto isa = isaNames.find(dnnl::get_effective_cpu_isa());
  out.Set("isa", isa == isaNames.end() ? "other" : isa->second);
  return out;
}

Napi::Value Stats(const Napi::CallbackInfo &info) {
  auto out = Napi::Object::New(info.Env());
  for (auto &[name, s] : kernelStats()) {
    auto o = Napi::Object::New(info.Env());
    o.Set("ms", s.ms);
    o.Set("cpuMs", s.cpuMs);
    o.Set("calls", static_cast<double>(s.calls));
    out.Set(name, o);
  }
  return out;
}

Napi::Value ResetStats(const Napi::CallbackInfo &info) {
  kernelStats().clear();
  return info.Env().Undefined();
}

Napi::Value Primitives(const Napi::CallbackInfo &info) {
  auto out = Napi::Object::New(info.Env());
  for (auto &[key, impl] : primitiveImpls()) out.Set(key, impl);
  return out;
}

}  // namespace
}  // namespace dfl

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("setThreads", Napi::Function::New(env, dfl::SetThreads));
  exports.Set("getThreads", Napi::Function::New(env, dfl::GetThreads));
  exports.Set("version", Napi::Function::New(env, dfl::Version));
  exports.Set("stats", Napi::Function::New(env, dfl::Stats));
  exports.Set("resetStats", Napi::Function::New(env, dfl::ResetStats));
  exports.Set("primitives", Napi::Function::New(env, dfl::Primitives));
  dfl::registerConv(env, exports);
  dfl::registerMatmul(env, exports);
  dfl::registerPool(env, exports);
  dfl::registerElementwise(env, exports);
  dfl::registerBatchNorm(env, exports);
  dfl::registerOptimizer(env, exports);
  dfl::registerDepthwise(env, exports);
  dfl::registerMultiplySum(env, exports);
  return exports;
}

NODE_API_MODULE(dfl_native, Init)

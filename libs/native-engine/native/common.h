// Shared helpers for the oneDNN kernels: the engine and stream, argument checks, a primitive cache keyed by
// shape, and the per-kernel timing counters the bench reads.
#pragma once

#include <napi.h>

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "oneapi/dnnl/dnnl.hpp"

namespace dfl {

// Below this many elements a loop runs on one thread: waking the team costs more than it saves.
constexpr int64_t kParallelMin = 1 << 15;

// body(begin, end) over [0, n): inline when n is small, else one contiguous static chunk per OpenMP thread, so each
// thread streams its own part of every array.
template <typename Body>
inline void forChunks(int64_t n, const Body &body) {
  if (n < kParallelMin) {
    body(0, n);
    return;
  }
  const int threads = omp_get_max_threads();
  const int64_t chunk = (n + threads - 1) / threads;
#pragma omp parallel for schedule(static)
  for (int t = 0; t < threads; t++) body(t * chunk, std::min(n, (t + 1) * chunk));
}

using dnnl::memory;
using dims = memory::dims;
using tag = memory::format_tag;
using dt = memory::data_type;

dnnl::engine &cpuEngine();
dnnl::stream &cpuStream();

// Logical NCHW dims laid out as NHWC: tfjs' own layout, so activations never change layout.
inline memory::desc nhwcDesc(memory::dim n, memory::dim c, memory::dim h, memory::dim w) {
  return memory::desc({n, c, h, w}, dt::f32, tag::nhwc);
}

// A Float32Array argument's data, checked to hold exactly `expected` floats.
float *floatData(const Napi::Value &value, size_t expected, const char *name);
// An optional Float32Array (null/undefined gives nullptr).
float *optionalFloatData(const Napi::Value &value, size_t expected, const char *name);
// An array (or Int32Array) of `expected` integers.
std::vector<int64_t> intParams(const Napi::Value &value, size_t expected, const char *name);

std::string keyOf(const char *kind, const std::vector<int64_t> &params, const std::vector<double> &extra = {});

// Time spent per kernel family, to tell what the native side costs against the JS side.
struct KernelStat {
  double ms = 0;
  // CPU time of the calling thread: with one OpenMP thread, the kernel's own cost however loaded the machine is.
  double cpuMs = 0;
  uint64_t calls = 0;
};
std::map<std::string, KernelStat> &kernelStats();
// Every cached primitive with the implementation oneDNN picked (a "ref:" one would be a slow path).
std::map<std::string, std::string> &primitiveImpls();

class ScopedTimer {
 public:
  explicit ScopedTimer(const char *name) : name_(name), start_(std::chrono::steady_clock::now()), cpuStart_(threadCpuMs()) {}
  ~ScopedTimer() {
    auto &s = kernelStats()[name_];
    s.ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
    s.cpuMs += threadCpuMs() - cpuStart_;
    s.calls += 1;
  }

 private:
  static double threadCpuMs() {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
  }
  const char *name_;
  std::chrono::steady_clock::time_point start_;
  double cpuStart_;
};

// Runs `body`, turning oneDNN and argument errors into JS exceptions.
template <typename F>
Napi::Value guarded(const Napi::CallbackInfo &info, F body) {
  try {
    return body();
  } catch (const dnnl::error &e) {
    throw Napi::Error::New(info.Env(), std::string("oneDNN: ") + e.what());
  } catch (const std::invalid_argument &e) {
    throw Napi::TypeError::New(info.Env(), e.what());
  }
}

// Weights move between tfjs' layout and the blocked one the primitive prefers; the reorder and the buffer
// holding the primitive's layout are cached with the primitive.
struct Staging {
  bool needed = false;
  dnnl::reorder reorder;
  memory buffer;

  void prepare(const memory::desc &user, const memory::desc &prim, bool toUser) {
    needed = user != prim;
    if (!needed) return;
    auto &eng = cpuEngine();
    buffer = memory(prim, eng);
    reorder = toUser ? dnnl::reorder(dnnl::reorder::primitive_desc(eng, prim, eng, user))
                     : dnnl::reorder(dnnl::reorder::primitive_desc(eng, user, eng, prim));
  }
};

// tfjs activation codes: 0 linear, 1 relu, 2 relu6, 3 leakyrelu(alpha), 4 sigmoid, 5 elu; 6 silu (ours).
void appendActivation(dnnl::post_ops &ops, int activation, float alpha);

void registerConv(Napi::Env env, Napi::Object exports);
void registerMatmul(Napi::Env env, Napi::Object exports);
void registerPool(Napi::Env env, Napi::Object exports);
void registerElementwise(Napi::Env env, Napi::Object exports);
void registerBatchNorm(Napi::Env env, Napi::Object exports);
void registerOptimizer(Napi::Env env, Napi::Object exports);
void registerDepthwise(Napi::Env env, Napi::Object exports);
void registerMultiplySum(Napi::Env env, Napi::Object exports);

}  // namespace dfl

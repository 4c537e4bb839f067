{
  "targets": [
    {
      "target_name": "dfl_native",
      "sources": ["native/addon.cc", "native/conv.cc", "native/matmul.cc", "native/pool.cc", "native/elementwise.cc", "native/batchnorm.cc", "native/optimizer.cc", "native/depthwise.cc", "native/multiply-sum.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-fopenmp", "-march=native", "-fno-math-errno", "-fno-trapping-math"],
      "libraries": ["-ldnnl", "-lgomp"]
    }
  ]
}

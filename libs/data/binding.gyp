{
  "targets": [
    {
      "target_name": "dfl_jpeg",
      "sources": ["native/jpeg_decode.c", "native/resample.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-O3", "-ffp-contract=off"],
      "libraries": ["-ljpeg"]
    }
  ]
}

{
  "targets": [
    {
      "target_name": "dfl_jpeg",
      "sources": ["native/jpeg_decode.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-O3"],
      "libraries": ["-ljpeg"]
    }
  ]
}

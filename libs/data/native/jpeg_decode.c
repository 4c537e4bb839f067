/*
 * dfl_jpeg: decodes a plain JPEG to 8-bit RGB with the system's libjpeg-turbo, for the data loader's fast path.
 * sharp (libvips) spends ~1 ms more per small image than the decode itself (pipeline set-up, option marshalling,
 * a thread-pool hop); for 256 px face crops that is most of the loader's time. This decodes only what it can
 * decode exactly as sharp would (same libjpeg-turbo code: islow IDCT, fancy upsampling, so the same pixels) and
 * returns null for everything else: an EXIF block (orientation), an ICC profile (sharp converts with it), CMYK/YCCK,
 * and any libjpeg warning or error (truncated or corrupt data), so the caller falls back to sharp, which also
 * produces the error messages.
 *
 * decode(bytes: Buffer | Uint8Array): { width, height, data: Uint8Array } | null
 */
#include <node_api.h>
#include <setjmp.h>
#include <stdio.h> /* before jpeglib.h, which uses FILE */
#include <string.h>
#include <jpeglib.h>

struct error_manager {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
};

static void on_error(j_common_ptr cinfo) { longjmp(((struct error_manager *)cinfo->err)->jump, 1); }

/* level < 0 is a warning (e.g. premature end of data): give the image to sharp rather than accept grey pixels */
static void on_message(j_common_ptr cinfo, int level) {
  if (level < 0) longjmp(((struct error_manager *)cinfo->err)->jump, 1);
}

static int needs_sharp(j_decompress_ptr cinfo) {
  for (jpeg_saved_marker_ptr m = cinfo->marker_list; m != NULL; m = m->next) {
    if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 && memcmp(m->data, "Exif\0\0", 6) == 0) return 1;
    if (m->marker == JPEG_APP0 + 2 && m->data_length >= 12 && memcmp(m->data, "ICC_PROFILE", 11) == 0) return 1;
  }
  J_COLOR_SPACE cs = cinfo->jpeg_color_space;
  return !(cs == JCS_YCbCr || cs == JCS_GRAYSCALE || cs == JCS_RGB);
}

static napi_value decode(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], null_value;
  napi_get_null(env, &null_value);
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return null_value;
  void *bytes = NULL;
  size_t length = 0;
  bool is_buffer = false;
  napi_is_buffer(env, argv[0], &is_buffer);
  if (is_buffer) {
    if (napi_get_buffer_info(env, argv[0], &bytes, &length) != napi_ok) return null_value;
  } else {
    napi_typedarray_type type;
    napi_value ab;
    size_t offset;
    if (napi_get_typedarray_info(env, argv[0], &type, &length, &bytes, &ab, &offset) != napi_ok || type != napi_uint8_array) return null_value;
  }
  if (length < 4) return null_value;

  struct jpeg_decompress_struct cinfo;
  struct error_manager jerr;
  cinfo.err = jpeg_std_error(&jerr.pub);
  jerr.pub.error_exit = on_error;
  jerr.pub.emit_message = on_message;
  if (setjmp(jerr.jump)) {
    /* the output array (if made) is a JS value: the garbage collector frees it */
    jpeg_destroy_decompress(&cinfo);
    return null_value;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, (const unsigned char *)bytes, (unsigned long)length);
  jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_save_markers(&cinfo, JPEG_APP0 + 2, 0xFFFF);
  jpeg_read_header(&cinfo, TRUE);
  if (needs_sharp(&cinfo)) {
    jpeg_destroy_decompress(&cinfo);
    return null_value;
  }
  cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress(&cinfo);
  size_t width = cinfo.output_width, height = cinfo.output_height, stride = width * 3;
  napi_value array_buffer, array;
  void *data = NULL;
  if (napi_create_arraybuffer(env, stride * height, &data, &array_buffer) != napi_ok) {
    jpeg_destroy_decompress(&cinfo);
    return null_value;
  }
  unsigned char *out = (unsigned char *)data;
  while (cinfo.output_scanline < height) {
    JSAMPROW row = out + (size_t)cinfo.output_scanline * stride;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);

  napi_value result, w, h;
  napi_create_typedarray(env, napi_uint8_array, stride * height, array_buffer, 0, &array);
  napi_create_object(env, &result);
  napi_create_uint32(env, (uint32_t)width, &w);
  napi_create_uint32(env, (uint32_t)height, &h);
  napi_set_named_property(env, result, "width", w);
  napi_set_named_property(env, result, "height", h);
  napi_set_named_property(env, result, "data", array);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "decode", NAPI_AUTO_LENGTH, decode, NULL, &fn);
  napi_set_named_property(env, exports, "decode", fn);
  return exports;
}

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
 * decodeNormalized(bytes, out: Float32Array, offset, lut: Float32Array(768), width, height, mirrorX, mirrorY): boolean
 *   writes lut[c * 256 + v] per channel value straight into out (NHWC, from `offset` floats), mirrored as asked, when
 *   the image is exactly width x height and decodable here; false otherwise (nothing written). The loader's
 *   normalising copy (writeNormalized) in C, fused with the decode: no intermediate RGB array.
 */
#include <node_api.h>
#include <setjmp.h>
#include <stdio.h> /* before jpeglib.h, which uses FILE */
#include <stdlib.h>
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

/* The bytes of a Buffer or Uint8Array argument; 0 when it is neither. */
static int get_bytes(napi_env env, napi_value value, void **bytes, size_t *length) {
  bool is_buffer = false;
  napi_is_buffer(env, value, &is_buffer);
  if (is_buffer) return napi_get_buffer_info(env, value, bytes, length) == napi_ok;
  napi_typedarray_type type;
  napi_value ab;
  size_t offset;
  return napi_get_typedarray_info(env, value, &type, length, bytes, &ab, &offset) == napi_ok && type == napi_uint8_array;
}

static napi_value decode(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], null_value;
  napi_get_null(env, &null_value);
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return null_value;
  void *bytes = NULL;
  size_t length = 0;
  if (!get_bytes(env, argv[0], &bytes, &length) || length < 4) return null_value;

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

static napi_value decode_normalized(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8], result;
  napi_get_boolean(env, false, &result);
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 8) return result;
  void *bytes = NULL, *out_data = NULL, *lut_data = NULL;
  size_t length = 0, out_length = 0, lut_length = 0, ignored;
  napi_typedarray_type type;
  napi_value ab;
  int64_t offset;
  uint32_t want_w, want_h;
  bool mirror_x, mirror_y;
  if (!get_bytes(env, argv[0], &bytes, &length) || length < 4) return result;
  if (napi_get_typedarray_info(env, argv[1], &type, &out_length, &out_data, &ab, &ignored) != napi_ok || type != napi_float32_array) return result;
  if (napi_get_value_int64(env, argv[2], &offset) != napi_ok || offset < 0) return result;
  if (napi_get_typedarray_info(env, argv[3], &type, &lut_length, &lut_data, &ab, &ignored) != napi_ok || type != napi_float32_array || lut_length != 768) return result;
  if (napi_get_value_uint32(env, argv[4], &want_w) != napi_ok || napi_get_value_uint32(env, argv[5], &want_h) != napi_ok) return result;
  if (napi_get_value_bool(env, argv[6], &mirror_x) != napi_ok || napi_get_value_bool(env, argv[7], &mirror_y) != napi_ok) return result;
  size_t stride = (size_t)want_w * 3;
  if ((size_t)offset + stride * want_h > out_length) return result;
  float *out = (float *)out_data + offset;
  const float *lut = (const float *)lut_data;

  struct jpeg_decompress_struct cinfo;
  struct error_manager jerr;
  unsigned char *volatile row = NULL;
  cinfo.err = jpeg_std_error(&jerr.pub);
  jerr.pub.error_exit = on_error;
  jerr.pub.emit_message = on_message;
  if (setjmp(jerr.jump)) {
    /* a failure half-way leaves some rows written: the caller redoes the whole sample by the general path */
    jpeg_destroy_decompress(&cinfo);
    free(row);
    return result;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, (const unsigned char *)bytes, (unsigned long)length);
  jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_save_markers(&cinfo, JPEG_APP0 + 2, 0xFFFF);
  jpeg_read_header(&cinfo, TRUE);
  if (needs_sharp(&cinfo) || cinfo.image_width != want_w || cinfo.image_height != want_h) {
    jpeg_destroy_decompress(&cinfo);
    return result;
  }
  cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress(&cinfo);
  row = (unsigned char *)malloc(stride);
  if (row == NULL) longjmp(jerr.jump, 1);
  while (cinfo.output_scanline < want_h) {
    size_t y = cinfo.output_scanline;
    JSAMPROW r = row;
    jpeg_read_scanlines(&cinfo, &r, 1);
    float *dst = out + (mirror_y ? want_h - 1 - y : y) * stride;
    if (!mirror_x) {
      for (size_t i = 0; i < stride; i += 3) {
        dst[i] = lut[row[i]];
        dst[i + 1] = lut[256 + row[i + 1]];
        dst[i + 2] = lut[512 + row[i + 2]];
      }
    } else {
      for (size_t i = 0, d = stride - 3; i < stride; i += 3, d -= 3) {
        dst[d] = lut[row[i]];
        dst[d + 1] = lut[256 + row[i + 1]];
        dst[d + 2] = lut[512 + row[i + 2]];
      }
    }
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  free(row);
  napi_get_boolean(env, true, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "decode", NAPI_AUTO_LENGTH, decode, NULL, &fn);
  napi_set_named_property(env, exports, "decode", fn);
  napi_create_function(env, "decodeNormalized", NAPI_AUTO_LENGTH, decode_normalized, NULL, &fn);
  napi_set_named_property(env, exports, "decodeNormalized", fn);
  return exports;
}

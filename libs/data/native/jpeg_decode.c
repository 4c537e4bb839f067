/*
 * dfl_jpeg: decodes a plain JPEG to 8-bit RGB with the system's libjpeg-turbo, for the data loader's fast path.
 * sharp (libvips) spends ~1 ms more per small image than the decode itself (pipeline set-up, option marshalling,
 * a thread-pool hop); for 256 px face crops that is most of the loader's time. This decodes only what it can
 * decode exactly as sharp would (same libjpeg-turbo code: islow IDCT, fancy upsampling, so the same pixels) and
 * returns null for everything else: an EXIF block (orientation), an ICC profile (sharp converts with it), CMYK/YCCK,
 * and any libjpeg warning or error (truncated or corrupt data), so the caller falls back to sharp, which also
 * produces the error messages.
 *
 * decodeNormalized(bytes, out: Float32Array, offset, table: Float32Array(774), width, height, mirrorX, mirrorY, filter, fit): boolean
 *   the decode, brought to width x height (resample.c: Pillow's resize; filter 0 nearest, 1 bilinear, 2 bicubic;
 *   fit 0 fill, 1 cover) when it is another size, written as normalised floats straight into out (NHWC, from
 *   `offset` floats; table: see TABLE_FLOATS), mirrored as asked; false when the fast path cannot take the image
 *   (nothing to rely on in out). The loader's normalising copy (writeNormalized) in C, fused with the decode.
 * decodeFileNormalized(path, out, offset, table, width, height, mirrorX, mirrorY, filter, fit): Promise<boolean>
 *   the same for a file, read and decoded on libuv's thread pool.
 * decodeFile(path, width, height, filter, fit): Promise<{ width, height, data, sourceWidth, sourceHeight } | null>
 *   a file decoded to RGB, brought to width x height, read and decoded on libuv's thread pool.
 * resample(data, width, height, outWidth, outHeight, filter, box: Float32Array(4)): Uint8Array
 *   Pillow's resize of an RGB image already in memory (the general path's, after sharp decoded the file).
 */
#include <node_api.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h> /* before jpeglib.h, which uses FILE */
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

#include "resample.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif

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

/* libjpeg's errors and warnings longjmp to jerr->jump (set by the caller, whose frame must still be live). */
static void use_error_manager(struct jpeg_decompress_struct *cinfo, struct error_manager *jerr) {
  cinfo->err = jpeg_std_error(&jerr->pub);
  jerr->pub.error_exit = on_error;
  jerr->pub.emit_message = on_message;
}

/* Starts decoding bytes: the header, and the markers needs_sharp looks at (call after the setjmp). */
static void read_header(struct jpeg_decompress_struct *cinfo, const unsigned char *bytes, size_t length) {
  jpeg_create_decompress(cinfo);
  jpeg_mem_src(cinfo, bytes, (unsigned long)length);
  jpeg_save_markers(cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_save_markers(cinfo, JPEG_APP0 + 2, 0xFFFF);
  jpeg_read_header(cinfo, TRUE);
}

/*
 * Decodes a plain JPEG to 8-bit RGB in a malloc'd array (*pixels; the caller frees it): 1 on success, 0 when this
 * cannot decode it exactly as sharp would. Touches no JS value: runs on libuv's pool as well.
 */
static int decode_rgb(const unsigned char *bytes, size_t length, unsigned char **pixels, uint32_t *width, uint32_t *height) {
  struct jpeg_decompress_struct cinfo;
  struct error_manager jerr;
  unsigned char *volatile out = NULL;
  use_error_manager(&cinfo, &jerr);
  if (setjmp(jerr.jump)) {
    jpeg_destroy_decompress(&cinfo);
    free(out);
    return 0;
  }
  read_header(&cinfo, bytes, length);
  if (needs_sharp(&cinfo)) {
    jpeg_destroy_decompress(&cinfo);
    return 0;
  }
  cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress(&cinfo);
  size_t w = cinfo.output_width, h = cinfo.output_height, stride = w * 3;
  out = (unsigned char *)malloc(stride * h + 16); /* readable past the last pixel, for normalize_row's loads */
  if (out == NULL) longjmp(jerr.jump, 1);
  while (cinfo.output_scanline < h) {
    JSAMPROW row = out + (size_t)cinfo.output_scanline * stride;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  *pixels = out;
  *width = (uint32_t)w;
  *height = (uint32_t)h;
  return 1;
}

static void free_pixels(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

/* { width, height, data: Uint8Array } over decoded pixels (the array owns them from here), or null. */
static napi_value image_value(napi_env env, unsigned char *pixels, uint32_t width, uint32_t height) {
  napi_value result, array_buffer, array, w, h;
  size_t bytes = (size_t)width * height * 3;
  if (napi_create_external_arraybuffer(env, pixels, bytes, free_pixels, NULL, &array_buffer) != napi_ok) {
    free(pixels);
    napi_get_null(env, &result);
    return result;
  }
  napi_create_typedarray(env, napi_uint8_array, bytes, array_buffer, 0, &array);
  napi_create_object(env, &result);
  napi_create_uint32(env, width, &w);
  napi_create_uint32(env, height, &h);
  napi_set_named_property(env, result, "width", w);
  napi_set_named_property(env, result, "height", h);
  napi_set_named_property(env, result, "data", array);
  return result;
}

/*
 * The normalisation table from JS (`normalizationTable`): 768 floats lut[c * 256 + v], then scale[3] and bias[3],
 * with lut[c * 256 + v] == float32(float32(v * scale[c]) + bias[c]) exactly. So the vector path below (one
 * float32 multiply and one add, never fused) and the table give the same floats bit for bit.
 */
#define TABLE_FLOATS (768 + 6)

/*
 * One decoded RGB row (non-mirrored, readable 16 bytes past its end) to normalised floats in `tmp` (16-byte
 * aligned, a row's worth, in cache). SSE2 (every x86-64): 4 pixels per step, as 12 bytes widened to 3 vectors of
 * 4 floats whose channels cycle RGBR, GBRG, BRGB. Its own function with restrict pointers: inside decode_into the
 * row pointer must be volatile (setjmp), which made the compiler reload it from the stack for every pixel.
 */
static void normalize_row(const unsigned char *restrict src, float *restrict tmp, const float *restrict table, size_t width) {
  const float *restrict lut = table, *restrict scale = table + 768, *restrict bias = table + 771;
  size_t n = width * 3, i = 0;
#if defined(__SSE2__)
  const __m128 s0 = _mm_setr_ps(scale[0], scale[1], scale[2], scale[0]), s1 = _mm_setr_ps(scale[1], scale[2], scale[0], scale[1]),
               s2 = _mm_setr_ps(scale[2], scale[0], scale[1], scale[2]);
  const __m128 b0 = _mm_setr_ps(bias[0], bias[1], bias[2], bias[0]), b1 = _mm_setr_ps(bias[1], bias[2], bias[0], bias[1]),
               b2 = _mm_setr_ps(bias[2], bias[0], bias[1], bias[2]);
  const __m128i zero = _mm_setzero_si128();
  for (; i + 12 <= n; i += 12) {
    __m128i x = _mm_loadu_si128((const __m128i *)(src + i));
    __m128i lo = _mm_unpacklo_epi8(x, zero), hi = _mm_unpackhi_epi8(x, zero);
    _mm_store_ps(tmp + i, _mm_add_ps(_mm_mul_ps(_mm_cvtepi32_ps(_mm_unpacklo_epi16(lo, zero)), s0), b0));
    _mm_store_ps(tmp + i + 4, _mm_add_ps(_mm_mul_ps(_mm_cvtepi32_ps(_mm_unpackhi_epi16(lo, zero)), s1), b1));
    _mm_store_ps(tmp + i + 8, _mm_add_ps(_mm_mul_ps(_mm_cvtepi32_ps(_mm_unpacklo_epi16(hi, zero)), s2), b2));
  }
#endif
  for (; i < n; i++) tmp[i] = lut[(i % 3) * 256 + src[i]];
}

/* A row with its pixels in reverse order (a horizontal mirror), bytes only: cheaper than mirroring the floats. */
static void mirror_row(const unsigned char *restrict src, unsigned char *restrict dst, size_t width) {
  for (size_t x = 0, d = 3 * (width - 1); x < width; x++, d -= 3) {
    dst[d] = src[3 * x];
    dst[d + 1] = src[3 * x + 1];
    dst[d + 2] = src[3 * x + 2];
  }
}

/*
 * Copies a finished row of floats to the batch. The batch (25 MB for 32 images of 256 px) is far larger than the
 * caches and is not read again until the training step: non-temporal stores skip reading each line in before
 * writing it, which plain stores must do (bench/data measured the difference). Plain copy when not aligned.
 */
static void store_row(float *restrict dst, const float *restrict tmp, size_t n) {
#if defined(__SSE2__)
  if (((uintptr_t)dst & 15) == 0) {
    size_t i = 0;
    for (; i + 4 <= n; i += 4) _mm_stream_ps(dst + i, _mm_load_ps(tmp + i));
    for (; i < n; i++) dst[i] = tmp[i];
    return;
  }
#endif
  memcpy(dst, tmp, n * sizeof(float));
}

/*
 * The fused decode-and-normalise of one JPEG held in memory, resized to want_w x want_h (filter, fit) when it is
 * another size: 1 when decodable here (out then holds all its floats), 0 otherwise (out may hold some rows: the
 * caller redoes the sample by the general path). Touches no JS value, so it runs on libuv's pool as well as on the calling thread.
 */
#define FIT_FILL 0
#define FIT_COVER 1

/*
 * The source box that fills an out_w x out_h output: the whole image (fill: squashed), or its centred part of the
 * output's shape (cover), as src/image/resample.ts' fitBox computes it.
 */
static void fit_box(uint32_t w, uint32_t h, uint32_t out_w, uint32_t out_h, int fit, float box[4]) {
  double bw = w, bh = h;
  if (fit == FIT_COVER) {
    if ((double)out_w * h >= (double)out_h * w) bh = (double)w * out_h / out_w;
    else bw = (double)h * out_w / out_h;
  }
  box[0] = (float)((w - bw) / 2);
  box[1] = (float)((h - bh) / 2);
  box[2] = (float)((w - bw) / 2 + bw);
  box[3] = (float)((h - bh) / 2 + bh);
}

/* Normalises a whole RGB image (rows readable 16 bytes past the last) into out, mirrored as asked; 0 if no memory. */
static int normalize_image(const unsigned char *pixels, uint32_t w, uint32_t h, float *out, const float *table, bool mirror_x, bool mirror_y) {
  size_t stride = (size_t)w * 3, row_bytes = (stride + 16 + 15) & ~(size_t)15, float_bytes = (stride * sizeof(float) + 15) & ~(size_t)15;
  unsigned char *scratch = (unsigned char *)aligned_alloc(16, row_bytes + float_bytes);
  if (scratch == NULL) return 0;
  memset(scratch, 0, row_bytes);
  float *floats = (float *)(scratch + row_bytes);
  for (size_t y = 0; y < h; y++) {
    const unsigned char *row = pixels + y * stride;
    if (mirror_x) mirror_row(row, scratch, w);
    normalize_row(mirror_x ? scratch : row, floats, table, w);
    store_row(out + (mirror_y ? h - 1 - y : y) * stride, floats, stride);
  }
#if defined(__SSE2__)
  _mm_sfence();
#endif
  free(scratch);
  return 1;
}

/* decode_into for an image of another size: decoded whole, resized as Pillow would (resample.c), normalised. */
static int decode_resized_into(const unsigned char *bytes, size_t length, float *out, const float *table, uint32_t want_w, uint32_t want_h,
                               bool mirror_x, bool mirror_y, int filter, int fit) {
  unsigned char *pixels = NULL;
  uint32_t w = 0, h = 0;
  if (!decode_rgb(bytes, length, &pixels, &w, &h)) return 0;
  float box[4];
  fit_box(w, h, want_w, want_h, fit, box);
  uint8_t *resized = dfl_resample(pixels, (int)w, (int)h, (int)want_w, (int)want_h, filter, box);
  free(pixels);
  int ok = resized != NULL && normalize_image(resized, want_w, want_h, out, table, mirror_x, mirror_y);
  free(resized);
  return ok;
}

static int decode_into(const unsigned char *bytes, size_t length, float *out, const float *table, uint32_t want_w, uint32_t want_h, bool mirror_x,
                       bool mirror_y, int filter, int fit) {
  size_t stride = (size_t)want_w * 3;
  struct jpeg_decompress_struct cinfo;
  struct error_manager jerr;
  unsigned char *volatile row = NULL;
  use_error_manager(&cinfo, &jerr);
  if (setjmp(jerr.jump)) {
    jpeg_destroy_decompress(&cinfo);
    free(row);
    return 0;
  }
  read_header(&cinfo, bytes, length);
  if (needs_sharp(&cinfo)) {
    jpeg_destroy_decompress(&cinfo);
    return 0;
  }
  if (cinfo.image_width != want_w || cinfo.image_height != want_h) {
    jpeg_destroy_decompress(&cinfo);
    return decode_resized_into(bytes, length, out, table, want_w, want_h, mirror_x, mirror_y, filter, fit);
  }
  cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress(&cinfo);
  /*
   * one allocation: the decoded row and its mirror (each 16 bytes longer than a row: the vector loop reads past
   * the last pixel), then the row's floats (16-byte aligned for the vector and streaming stores)
   */
  size_t row_bytes = (stride + 16 + 15) & ~(size_t)15, float_bytes = (stride * sizeof(float) + 15) & ~(size_t)15;
  row = (unsigned char *)aligned_alloc(16, 2 * row_bytes + float_bytes);
  if (row == NULL) longjmp(jerr.jump, 1);
  memset(row, 0, 2 * row_bytes);
  unsigned char *mirrored = row + row_bytes;
  float *floats = (float *)(row + 2 * row_bytes);
  while (cinfo.output_scanline < want_h) {
    size_t y = cinfo.output_scanline;
    JSAMPROW r = row;
    jpeg_read_scanlines(&cinfo, &r, 1);
    if (mirror_x) mirror_row(r, mirrored, want_w);
    normalize_row(mirror_x ? mirrored : r, floats, table, want_w);
    store_row(out + (mirror_y ? want_h - 1 - y : y) * stride, floats, stride);
  }
#if defined(__SSE2__)
  _mm_sfence(); /* the streaming stores are visible before the promise settles on the loader's thread */
#endif
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  free(row);
  return 1;
}

/* The common arguments of decodeNormalized and decodeFileNormalized, from argv[1..7]; 0 when one is wrong. */
struct normalize_target {
  float *out;
  const float *lut;
  uint32_t width, height;
  bool mirror_x, mirror_y;
  int32_t filter, fit;
};

static int get_target(napi_env env, napi_value *argv, struct normalize_target *t) {
  void *out_data = NULL, *lut_data = NULL;
  size_t out_length = 0, lut_length = 0, ignored;
  napi_typedarray_type type;
  napi_value ab;
  int64_t offset;
  if (napi_get_typedarray_info(env, argv[1], &type, &out_length, &out_data, &ab, &ignored) != napi_ok || type != napi_float32_array) return 0;
  if (napi_get_value_int64(env, argv[2], &offset) != napi_ok || offset < 0) return 0;
  if (napi_get_typedarray_info(env, argv[3], &type, &lut_length, &lut_data, &ab, &ignored) != napi_ok || type != napi_float32_array ||
      lut_length != TABLE_FLOATS)
    return 0;
  if (napi_get_value_uint32(env, argv[4], &t->width) != napi_ok || napi_get_value_uint32(env, argv[5], &t->height) != napi_ok) return 0;
  if (napi_get_value_bool(env, argv[6], &t->mirror_x) != napi_ok || napi_get_value_bool(env, argv[7], &t->mirror_y) != napi_ok) return 0;
  if (napi_get_value_int32(env, argv[8], &t->filter) != napi_ok || napi_get_value_int32(env, argv[9], &t->fit) != napi_ok) return 0;
  if (t->filter < DFL_RESAMPLE_NEAREST || t->filter > DFL_RESAMPLE_BICUBIC || (t->fit != FIT_FILL && t->fit != FIT_COVER)) return 0;
  if ((size_t)offset + (size_t)t->width * 3 * t->height > out_length) return 0;
  t->out = (float *)out_data + offset;
  t->lut = (const float *)lut_data;
  return 1;
}

static napi_value decode_normalized(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10], result;
  void *bytes = NULL;
  size_t length = 0;
  struct normalize_target t;
  int ok = napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc >= 10 && get_bytes(env, argv[0], &bytes, &length) && length >= 4 &&
           get_target(env, argv, &t) &&
           decode_into((const unsigned char *)bytes, length, t.out, t.lut, t.width, t.height, t.mirror_x, t.mirror_y, t.filter, t.fit);
  napi_get_boolean(env, ok, &result);
  return result;
}

/*
 * decodeFileNormalized(path, out, offset, lut, width, height, mirrorX, mirrorY): Promise<boolean>. decodeNormalized
 * for a file, with the read and the decode on libuv's pool, so the loader's thread only hands out work: two cores
 * decode two images at once without worker threads. `out` and `lut` are held by references until it settles, and
 * the loader never reads a slot still being written. A file that cannot be read gives false, like an image this
 * cannot decode: the general path then reads it again and names what is wrong.
 */
struct file_job {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref out_ref, lut_ref;
  char *path;
  struct normalize_target target;
  int ok;
};

static unsigned char *read_whole_file(const char *path, size_t *length) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  unsigned char *data = NULL;
  long size;
  if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 && (data = (unsigned char *)malloc((size_t)size)) != NULL) {
    if (fread(data, 1, (size_t)size, f) != (size_t)size) {
      free(data);
      data = NULL;
    } else {
      *length = (size_t)size;
    }
  }
  fclose(f);
  return data;
}

static void file_job_execute(napi_env env, void *data) {
  (void)env;
  struct file_job *job = (struct file_job *)data;
  size_t length = 0;
  unsigned char *bytes = read_whole_file(job->path, &length);
  const struct normalize_target *t = &job->target;
  job->ok = bytes != NULL && length >= 4 && decode_into(bytes, length, t->out, t->lut, t->width, t->height, t->mirror_x, t->mirror_y, t->filter, t->fit);
  free(bytes);
}

static void file_job_complete(napi_env env, napi_status status, void *data) {
  struct file_job *job = (struct file_job *)data;
  napi_value result;
  napi_get_boolean(env, status == napi_ok && job->ok, &result);
  napi_resolve_deferred(env, job->deferred, result);
  napi_delete_reference(env, job->out_ref);
  napi_delete_reference(env, job->lut_ref);
  napi_delete_async_work(env, job->work);
  free(job->path);
  free(job);
}

static napi_value decode_file_normalized(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10], promise, name;
  struct file_job *job = (struct file_job *)calloc(1, sizeof(struct file_job));
  size_t path_length = 0;
  if (job == NULL || napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 10 ||
      napi_get_value_string_utf8(env, argv[0], NULL, 0, &path_length) != napi_ok || !get_target(env, argv, &job->target)) {
    free(job);
    napi_throw_type_error(env, NULL, "decodeFileNormalized(path, out: Float32Array, offset, table: Float32Array(774), width, height, mirrorX, mirrorY, filter, fit)");
    return NULL;
  }
  job->path = (char *)malloc(path_length + 1);
  napi_get_value_string_utf8(env, argv[0], job->path, path_length + 1, &path_length);
  napi_create_reference(env, argv[1], 1, &job->out_ref);
  napi_create_reference(env, argv[3], 1, &job->lut_ref);
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_string_utf8(env, "dfl_jpeg.decodeFileNormalized", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, file_job_execute, file_job_complete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}

/*
 * decodeFile(path, width, height, filter, fit): Promise<{ width, height, data, sourceWidth, sourceHeight } | null>.
 * A plain JPEG file decoded and brought to width x height as Pillow's resize would (filter 0 nearest, 1 bilinear,
 * 2 bicubic; fit 0 fill, 1 cover: the centred part of the output's shape), all on libuv's pool: the evaluation
 * loaders and the test API take images this way, so the thread running the model never waits on a decode. null for
 * anything the fast path does not take (the caller's general path handles it and names what is wrong).
 */
struct rgb_job {
  napi_async_work work;
  napi_deferred deferred;
  char *path;
  uint32_t want_w, want_h, width, height, source_w, source_h;
  int32_t filter, fit;
  unsigned char *pixels;
};

static void rgb_job_execute(napi_env env, void *data) {
  (void)env;
  struct rgb_job *job = (struct rgb_job *)data;
  size_t length = 0;
  unsigned char *bytes = read_whole_file(job->path, &length), *decoded = NULL;
  uint32_t w = 0, h = 0;
  if (bytes != NULL && length >= 4 && decode_rgb(bytes, length, &decoded, &w, &h)) {
    float box[4];
    fit_box(w, h, job->want_w, job->want_h, job->fit, box);
    job->pixels = dfl_resample(decoded, (int)w, (int)h, (int)job->want_w, (int)job->want_h, job->filter, box);
    job->width = job->want_w;
    job->height = job->want_h;
    job->source_w = w;
    job->source_h = h;
    free(decoded);
  }
  free(bytes);
}

static void rgb_job_complete(napi_env env, napi_status status, void *data) {
  struct rgb_job *job = (struct rgb_job *)data;
  napi_value result;
  if (status == napi_ok && job->pixels != NULL) {
    napi_value sw, sh;
    result = image_value(env, job->pixels, job->width, job->height);
    napi_create_uint32(env, job->source_w, &sw);
    napi_create_uint32(env, job->source_h, &sh);
    napi_set_named_property(env, result, "sourceWidth", sw);
    napi_set_named_property(env, result, "sourceHeight", sh);
  } else {
    free(job->pixels);
    napi_get_null(env, &result);
  }
  napi_resolve_deferred(env, job->deferred, result);
  napi_delete_async_work(env, job->work);
  free(job->path);
  free(job);
}

static napi_value decode_file(napi_env env, napi_callback_info info) {
  size_t argc = 5, path_length = 0;
  napi_value argv[5], promise, name;
  struct rgb_job *job = (struct rgb_job *)calloc(1, sizeof(struct rgb_job));
  if (job == NULL || napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5 ||
      napi_get_value_string_utf8(env, argv[0], NULL, 0, &path_length) != napi_ok || napi_get_value_uint32(env, argv[1], &job->want_w) != napi_ok ||
      napi_get_value_uint32(env, argv[2], &job->want_h) != napi_ok || napi_get_value_int32(env, argv[3], &job->filter) != napi_ok ||
      napi_get_value_int32(env, argv[4], &job->fit) != napi_ok || job->want_w == 0 || job->want_h == 0 || job->filter < DFL_RESAMPLE_NEAREST ||
      job->filter > DFL_RESAMPLE_BICUBIC || (job->fit != FIT_FILL && job->fit != FIT_COVER)) {
    free(job);
    napi_throw_type_error(env, NULL, "decodeFile(path, width, height, filter, fit)");
    return NULL;
  }
  job->path = (char *)malloc(path_length + 1);
  napi_get_value_string_utf8(env, argv[0], job->path, path_length + 1, &path_length);
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_string_utf8(env, "dfl_jpeg.decodeFile", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, rgb_job_execute, rgb_job_complete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}

/*
 * resample(data: Uint8Array, width, height, outWidth, outHeight, filter, box: Float32Array(4)): Uint8Array.
 * resample.c for an image in JS (the general path's resize, after sharp decoded it): Pillow's bytes.
 */
static napi_value resample_image(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  void *data = NULL, *box_data = NULL;
  size_t length = 0, box_length = 0, ignored;
  napi_typedarray_type type, box_type;
  napi_value ab;
  uint32_t w, h, out_w, out_h;
  int32_t filter;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 7 ||
      napi_get_typedarray_info(env, argv[0], &type, &length, &data, &ab, &ignored) != napi_ok || type != napi_uint8_array ||
      napi_get_value_uint32(env, argv[1], &w) != napi_ok || napi_get_value_uint32(env, argv[2], &h) != napi_ok ||
      napi_get_value_uint32(env, argv[3], &out_w) != napi_ok || napi_get_value_uint32(env, argv[4], &out_h) != napi_ok ||
      napi_get_value_int32(env, argv[5], &filter) != napi_ok || napi_get_typedarray_info(env, argv[6], &box_type, &box_length, &box_data, &ab, &ignored) != napi_ok ||
      box_type != napi_float32_array || box_length != 4 || length != (size_t)w * h * 3 || out_w == 0 || out_h == 0 || filter < DFL_RESAMPLE_NEAREST ||
      filter > DFL_RESAMPLE_BICUBIC) {
    napi_throw_type_error(env, NULL, "resample(data: Uint8Array, width, height, outWidth, outHeight, filter, box: Float32Array(4))");
    return NULL;
  }
  uint8_t *resized = dfl_resample((const uint8_t *)data, (int)w, (int)h, (int)out_w, (int)out_h, filter, (const float *)box_data);
  if (resized == NULL) {
    napi_throw_error(env, NULL, "resample: out of memory");
    return NULL;
  }
  napi_value buffer, array;
  napi_create_external_arraybuffer(env, resized, (size_t)out_w * out_h * 3, free_pixels, NULL, &buffer);
  napi_create_typedarray(env, napi_uint8_array, (size_t)out_w * out_h * 3, buffer, 0, &array);
  return array;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "decodeNormalized", NAPI_AUTO_LENGTH, decode_normalized, NULL, &fn);
  napi_set_named_property(env, exports, "decodeNormalized", fn);
  napi_create_function(env, "decodeFileNormalized", NAPI_AUTO_LENGTH, decode_file_normalized, NULL, &fn);
  napi_set_named_property(env, exports, "decodeFileNormalized", fn);
  napi_create_function(env, "decodeFile", NAPI_AUTO_LENGTH, decode_file, NULL, &fn);
  napi_set_named_property(env, exports, "decodeFile", fn);
  napi_create_function(env, "resample", NAPI_AUTO_LENGTH, resample_image, NULL, &fn);
  napi_set_named_property(env, exports, "resample", fn);
  return exports;
}

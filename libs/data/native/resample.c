/*
 * Resizing exactly as Pillow's Image.resize (Pillow 9, libImaging/Resample.c and Geometry.c): the C twin of
 * src/image/resample.ts, for the JPEG fast path (decode and resize on libuv's pool). Bilinear and bicubic are the
 * two-pass convolution with the filter widened by the scale when shrinking and 22-bit fixed-point weights;
 * nearest is the affine nearest-neighbour scaling. The specs check both against Pillow's own bytes.
 */
#include "resample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PRECISION_BITS (32 - 8 - 2)

static double bilinear(double x) {
  if (x < 0.0) x = -x;
  return x < 1.0 ? 1.0 - x : 0.0;
}

static double bicubic(double x) {
  const double a = -0.5;
  if (x < 0.0) x = -x;
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}

struct coefficients {
  int ksize;
  int *bounds;     /* per output pixel: first input pixel, count */
  int32_t *weights; /* ksize per output pixel */
};

/* Pillow's precompute_coeffs + normalize_coeffs_8bpc; 0 when out of memory. */
static int coefficients(int in_size, float in0, float in1, int out_size, int filter, struct coefficients *c) {
  double (*weight)(double) = filter == DFL_RESAMPLE_BICUBIC ? bicubic : bilinear;
  double filter_support = filter == DFL_RESAMPLE_BICUBIC ? 2.0 : 1.0;
  double scale = (double)(in1 - in0) / out_size, filter_scale = scale < 1.0 ? 1.0 : scale;
  double support = filter_support * filter_scale, ss = 1.0 / filter_scale;
  int ksize = (int)ceil(support) * 2 + 1;
  double *k = (double *)malloc(sizeof(double) * (size_t)ksize);
  c->ksize = ksize;
  c->bounds = (int *)malloc(sizeof(int) * 2 * (size_t)out_size);
  c->weights = (int32_t *)calloc((size_t)out_size * ksize, sizeof(int32_t));
  if (k == NULL || c->bounds == NULL || c->weights == NULL) {
    free(k);
    return 0;
  }
  for (int xx = 0; xx < out_size; xx++) {
    double center = in0 + (xx + 0.5) * scale, sum = 0.0;
    int xmin = (int)(center - support + 0.5), xmax = (int)(center + support + 0.5);
    if (xmin < 0) xmin = 0;
    if (xmax > in_size) xmax = in_size;
    xmax -= xmin;
    for (int x = 0; x < xmax; x++) {
      k[x] = weight((x + xmin - center + 0.5) * ss);
      sum += k[x];
    }
    for (int x = 0; x < xmax; x++) {
      double w = sum != 0.0 ? k[x] / sum : k[x];
      c->weights[xx * ksize + x] = (int32_t)(w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
    }
    c->bounds[xx * 2] = xmin;
    c->bounds[xx * 2 + 1] = xmax < 0 ? 0 : xmax;
  }
  free(k);
  return 1;
}

static void free_coefficients(struct coefficients *c) {
  free(c->bounds);
  free(c->weights);
}

static inline uint8_t clip8(int32_t sum) {
  int32_t v = sum >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v;
}

static void horizontal_pass(const uint8_t *src, int src_w, uint8_t *dst, int dst_w, int first_row, int rows, const struct coefficients *c) {
  for (int y = 0; y < rows; y++) {
    const uint8_t *row = src + (size_t)(y + first_row) * src_w * 3;
    uint8_t *out = dst + (size_t)y * dst_w * 3;
    for (int xx = 0; xx < dst_w; xx++) {
      const int32_t *k = c->weights + (size_t)xx * c->ksize;
      const uint8_t *in = row + (size_t)c->bounds[xx * 2] * 3;
      int32_t s0 = 1 << (PRECISION_BITS - 1), s1 = s0, s2 = s0;
      for (int x = 0, n = c->bounds[xx * 2 + 1]; x < n; x++) {
        s0 += in[x * 3] * k[x];
        s1 += in[x * 3 + 1] * k[x];
        s2 += in[x * 3 + 2] * k[x];
      }
      out[xx * 3] = clip8(s0);
      out[xx * 3 + 1] = clip8(s1);
      out[xx * 3 + 2] = clip8(s2);
    }
  }
}

static void vertical_pass(const uint8_t *src, int width, uint8_t *dst, int dst_h, int row_shift, const struct coefficients *c) {
  for (int yy = 0; yy < dst_h; yy++) {
    const int32_t *k = c->weights + (size_t)yy * c->ksize;
    int ymin = c->bounds[yy * 2] - row_shift, n = c->bounds[yy * 2 + 1];
    uint8_t *out = dst + (size_t)yy * width * 3;
    for (int xx = 0; xx < width; xx++) {
      const uint8_t *in = src + ((size_t)ymin * width + xx) * 3;
      int32_t s0 = 1 << (PRECISION_BITS - 1), s1 = s0, s2 = s0;
      for (int y = 0; y < n; y++) {
        const uint8_t *p = in + (size_t)y * width * 3;
        s0 += p[0] * k[y];
        s1 += p[1] * k[y];
        s2 += p[2] * k[y];
      }
      out[xx * 3] = clip8(s0);
      out[xx * 3 + 1] = clip8(s1);
      out[xx * 3 + 2] = clip8(s2);
    }
  }
}

static int coord(double v) { return v < 0.0 ? -1 : (int)v; }

static int clamp_index(int v, int size) { return v < 0 ? 0 : v >= size ? size - 1 : v; }

static void nearest(const uint8_t *src, int src_w, int src_h, uint8_t *dst, int w, int h, const float box[4]) {
  double sx = (double)(box[2] - box[0]) / w, sy = (double)(box[3] - box[1]) / h;
  double xo = box[0] + sx * 0.5, yo = box[1] + sy * 0.5;
  int *columns = (int *)malloc(sizeof(int) * (size_t)w);
  if (columns == NULL) return;
  for (int x = 0; x < w; x++, xo += sx) columns[x] = clamp_index(coord(xo), src_w);
  for (int y = 0; y < h; y++, yo += sy) {
    const uint8_t *row = src + (size_t)clamp_index(coord(yo), src_h) * src_w * 3;
    for (int x = 0; x < w; x++) memcpy(dst + ((size_t)y * w + x) * 3, row + (size_t)columns[x] * 3, 3);
  }
  free(columns);
}

uint8_t *dfl_resample(const uint8_t *src, int src_w, int src_h, int w, int h, int filter, const float box[4]) {
  uint8_t *out = (uint8_t *)malloc((size_t)w * h * 3 + 16); /* readable past the last pixel (the normaliser's loads) */
  if (out == NULL) return NULL;
  if (w == src_w && h == src_h && box[0] == 0 && box[1] == 0 && box[2] == src_w && box[3] == src_h) {
    memcpy(out, src, (size_t)w * h * 3);
    return out;
  }
  if (filter == DFL_RESAMPLE_NEAREST) {
    nearest(src, src_w, src_h, out, w, h, box);
    return out;
  }
  struct coefficients hc, vc;
  memset(&hc, 0, sizeof hc);
  memset(&vc, 0, sizeof vc);
  if (!coefficients(src_w, box[0], box[2], w, filter, &hc) || !coefficients(src_h, box[1], box[3], h, filter, &vc)) {
    free_coefficients(&hc);
    free_coefficients(&vc);
    free(out);
    return NULL;
  }
  int need_horizontal = w != src_w || box[0] != 0 || box[2] != w;
  int need_vertical = h != src_h || box[1] != 0 || box[3] != h;
  /* only the rows the vertical pass reads are resampled horizontally */
  int first_row = vc.bounds[0], last_row = vc.bounds[h * 2 - 2] + vc.bounds[h * 2 - 1];
  const uint8_t *current = src;
  int current_w = src_w, row_shift = 0;
  uint8_t *temp = NULL;
  if (need_horizontal) {
    temp = (uint8_t *)malloc((size_t)w * (last_row - first_row) * 3 + 1);
    if (temp == NULL) {
      free_coefficients(&hc);
      free_coefficients(&vc);
      free(out);
      return NULL;
    }
    horizontal_pass(src, src_w, temp, w, first_row, last_row - first_row, &hc);
    current = temp;
    current_w = w;
    row_shift = first_row;
  }
  if (need_vertical) vertical_pass(current, current_w, out, h, row_shift, &vc);
  else memcpy(out, current, (size_t)w * h * 3);
  free(temp);
  free_coefficients(&hc);
  free_coefficients(&vc);
  return out;
}

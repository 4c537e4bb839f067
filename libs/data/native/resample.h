/* Pillow-exact RGB resizing (resample.c); the filters as numbered for the JS side. */
#ifndef DFL_RESAMPLE_H
#define DFL_RESAMPLE_H

#include <stdint.h>

#define DFL_RESAMPLE_NEAREST 0
#define DFL_RESAMPLE_BILINEAR 1
#define DFL_RESAMPLE_BICUBIC 2

/*
 * src (src_w x src_h RGB) resized to w x h from box = {left, top, right, bottom} of it, as Pillow's
 * Image.resize(size, filter, box): a malloc'd array (16 bytes longer, readable past the last pixel) the caller
 * frees, or NULL when out of memory.
 */
uint8_t *dfl_resample(const uint8_t *src, int src_w, int src_h, int w, int h, int filter, const float box[4]);

#endif

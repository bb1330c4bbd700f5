/**
 * The image decode/encode helpers every segpipe stage uses (javax.imageio, PNG and JPEG):
 * 8-bit grey, RGB and palette images; anything else is rejected with a reason naming what was
 * found, from the header where possible, before the raster is allocated (decoded size, depth,
 * alpha, CMYK, EXIF orientation). Also the resampling used at prep time (bilinear for images,
 * nearest for labels).
 */
package io.segpipe.prep.codec;

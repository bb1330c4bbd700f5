package io.segpipe.model.crf;

/**
 * The feature vectors of the CRF's two Gaussian kernels, pixel after pixel (row-major), each
 * coordinate divided by its standard deviation so that the kernel is {@code exp(-|f_i - f_j|² / 2)},
 * the form {@link PermutohedralLattice} filters with.
 */
final class CrfFeatures {
    private CrfFeatures() {
    }

    /** Appearance: {@code (x/θα, y/θα, c_1/θβ, ..., c_C/θβ)}, 2 + channels values per pixel. */
    static float[] appearance(CrfImage image, double thetaAlpha, double thetaBeta) {
        int width = image.width();
        int channels = image.channels();
        int d = 2 + channels;
        int pixels = image.height() * width;
        float[] features = new float[pixels * d];
        for (int p = 0; p < pixels; p++) {
            features[p * d] = (float) ((p % width) / thetaAlpha);
            features[p * d + 1] = (float) ((p / width) / thetaAlpha);
            for (int c = 0; c < channels; c++) {
                features[p * d + 2 + c] = (float) (image.sample(p, c) / thetaBeta);
            }
        }
        return features;
    }

    /** Smoothness: {@code (x/θγ, y/θγ)}, 2 values per pixel. */
    static float[] smoothness(int height, int width, double thetaGamma) {
        int pixels = height * width;
        float[] features = new float[pixels * 2];
        for (int p = 0; p < pixels; p++) {
            features[p * 2] = (float) ((p % width) / thetaGamma);
            features[p * 2 + 1] = (float) ((p / width) / thetaGamma);
        }
        return features;
    }
}

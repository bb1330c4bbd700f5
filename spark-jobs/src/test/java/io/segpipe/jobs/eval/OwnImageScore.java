package io.segpipe.jobs.eval;

/**
 * One image's mIoU and pixel accuracy computed class by class, straight from the definition and
 * without {@link ImageScore}, for tests to check the job's figures against: a class counts when it
 * is in the truth or the prediction of a pixel whose truth is not {@code ignore}.
 */
final class OwnImageScore {

    private OwnImageScore() {
    }

    /** {mIoU, pixel accuracy, counted pixels}; {@code prediction} holds class ids. */
    static double[] of(byte[] truth, int[] prediction, int classes, int ignore) {
        double sum = 0;
        int present = 0;
        for (int c = 0; c < classes; c++) {
            long intersection = 0;
            long union = 0;
            for (int i = 0; i < truth.length; i++) {
                int t = truth[i] & 0xFF;
                if (t != ignore && (t == c || prediction[i] == c)) {
                    union++;
                    intersection += t == c && prediction[i] == c ? 1 : 0;
                }
            }
            if (union > 0) {
                sum += (double) intersection / union;
                present++;
            }
        }
        long counted = 0;
        long correct = 0;
        for (int i = 0; i < truth.length; i++) {
            if ((truth[i] & 0xFF) != ignore) {
                counted++;
                correct += (truth[i] & 0xFF) == prediction[i] ? 1 : 0;
            }
        }
        return new double[] {sum / present, (double) correct / counted, counted};
    }

    /** As {@link #of(byte[], int[], int, int)} with 8-bit predicted ids. */
    static double[] of(byte[] truth, byte[] prediction, int classes, int ignore) {
        int[] ids = new int[prediction.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = prediction[i] & 0xFF;
        }
        return of(truth, ids, classes, ignore);
    }
}

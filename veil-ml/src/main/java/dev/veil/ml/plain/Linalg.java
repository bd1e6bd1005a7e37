package dev.veil.ml.plain;

/** Small dense helpers (package-private). */
final class Linalg {
    private Linalg() {
    }

    /** {@code w[0] + sum_j w[j+1] x[j]}: a linear score with the intercept first. */
    static double affine(double[] w, double[] x) {
        double s = w[0];
        for (int j = 0; j < x.length; j++) {
            s += w[j + 1] * x[j];
        }
        return s;
    }

    /**
     * Solves {@code A x = b} for a symmetric positive definite {@code A} by Cholesky; {@code A} and {@code b}
     * are not modified.
     *
     * @throws ArithmeticException if {@code A} is not (numerically) positive definite
     */
    static double[] solveSpd(double[][] a, double[] b) {
        int n = b.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    if (!(s > 0)) {
                        throw new ArithmeticException("matrix is not positive definite (pivot " + i + " = " + s + ")");
                    }
                    l[i][i] = Math.sqrt(s);
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * y[k];
            }
            y[i] = s / l[i][i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k][i] * x[k];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }

    static void checkDesign(double[][] x, double[] y) {
        if (x.length == 0) {
            throw new IllegalArgumentException("no training rows");
        }
        if (x.length != y.length) {
            throw new IllegalArgumentException(x.length + " rows but " + y.length + " labels");
        }
        int d = x[0].length;
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != d) {
                throw new IllegalArgumentException("row " + i + " has " + x[i].length + " features, row 0 has " + d);
            }
            for (double v : x[i]) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("row " + i + " has a non-finite feature " + v);
                }
            }
            if (!Double.isFinite(y[i])) {
                throw new IllegalArgumentException("label " + i + " is not finite: " + y[i]);
            }
        }
    }

    /** Binary labels 0/1 or -1/+1 as -1/+1. */
    static double[] plusMinusOne(double[] y) {
        double[] s = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            s[i] = dev.veil.ml.data.Metrics.isPositive(y[i]) ? 1.0 : -1.0;
        }
        return s;
    }
}

package dev.veil.ml.nn.compile;

import java.util.Arrays;

import dev.veil.ml.nn.Layer;
import dev.veil.ml.nn.Shape;

/**
 * A linear layer ({@code y = M x + b}) as sparse rows: for each output, the inputs it reads and
 * their weights, zeros left out. Convolutions, pools and element-wise affine maps have few
 * entries per row, which both lowerings exploit (fewer diagonals, fewer multiply-accumulates).
 * Immutable.
 *
 * @param rows outputs m
 * @param columns inputs k
 * @param index per row, the columns read (ascending)
 * @param weight per row, the weights of those columns
 * @param bias m values
 */
record LinearMap(int rows, int columns, int[][] index, double[][] weight, double[] bias) {

  /** Non-zero entries. */
  long entries() {
    long n = 0;
    for (int[] r : index) {
      n += r.length;
    }
    return n;
  }

  /** Largest sum of |weights| over the rows (how much a row can amplify its inputs). */
  double maxRowL1() {
    double best = 0;
    for (double[] w : weight) {
      double s = 0;
      for (double x : w) {
        s += Math.abs(x);
      }
      best = Math.max(best, s);
    }
    return best;
  }

  /** Whether the layer is one this class represents. */
  static boolean isLinear(Layer layer) {
    return layer instanceof Layer.Conv2d || layer instanceof Layer.Dense
        || layer instanceof Layer.AveragePool || layer instanceof Layer.GlobalAveragePool
        || layer instanceof Layer.Affine;
  }

  /** The map of a linear layer on input shape {@code in}. */
  static LinearMap of(Layer layer, Shape in) {
    if (layer instanceof Layer.Dense d) {
      int[][] idx = new int[d.outputs()][];
      double[][] w = new double[d.outputs()][];
      for (int r = 0; r < d.outputs(); r++) {
        int[] ri = new int[d.inputs()];
        double[] rw = new double[d.inputs()];
        int n = 0;
        for (int c = 0; c < d.inputs(); c++) {
          double x = d.weight(r, c);
          if (x != 0) {
            ri[n] = c;
            rw[n++] = x;
          }
        }
        idx[r] = Arrays.copyOf(ri, n);
        w[r] = Arrays.copyOf(rw, n);
      }
      return new LinearMap(d.outputs(), d.inputs(), idx, w, d.bias());
    }
    if (layer instanceof Layer.Conv2d c) {
      return conv(c, in, false);
    }
    if (layer instanceof Layer.AveragePool p) {
      Shape o = p.outputShape(in);
      int[][] idx = new int[o.size()][];
      double[][] w = new double[o.size()][];
      for (int ch = 0; ch < in.channels(); ch++) {
        for (int i = 0; i < o.height(); i++) {
          for (int j = 0; j < o.width(); j++) {
            int[] ri = new int[p.kernelH() * p.kernelW()];
            int n = 0;
            for (int u = 0; u < p.kernelH(); u++) {
              int yy = i * p.strideH() + u - p.padTop();
              for (int v = 0; v < p.kernelW(); v++) {
                int xx = j * p.strideW() + v - p.padLeft();
                if (yy >= 0 && yy < in.height() && xx >= 0 && xx < in.width()) {
                  ri[n++] = in.index(ch, yy, xx);
                }
              }
            }
            int r = o.index(ch, i, j);
            double div = p.countIncludePad() ? p.kernelH() * p.kernelW() : n;
            idx[r] = sorted(Arrays.copyOf(ri, n));
            w[r] = new double[n];
            Arrays.fill(w[r], 1 / div);
          }
        }
      }
      return new LinearMap(o.size(), in.size(), idx, w, new double[o.size()]);
    }
    if (layer instanceof Layer.GlobalAveragePool) {
      int plane = in.height() * in.width();
      int[][] idx = new int[in.channels()][plane];
      double[][] w = new double[in.channels()][plane];
      for (int ch = 0; ch < in.channels(); ch++) {
        for (int k = 0; k < plane; k++) {
          idx[ch][k] = ch * plane + k;
          w[ch][k] = 1.0 / plane;
        }
      }
      return new LinearMap(in.channels(), in.size(), idx, w, new double[in.channels()]);
    }
    if (layer instanceof Layer.Affine a) {
      int n = in.size();
      int[][] idx = new int[n][];
      double[][] w = new double[n][];
      for (int k = 0; k < n; k++) {
        double s = a.scaleAt(k);
        idx[k] = s == 0 ? new int[0] : new int[] {k};
        w[k] = s == 0 ? new double[0] : new double[] {s};
      }
      return new LinearMap(n, n, idx, w, a.shift());
    }
    throw new IllegalArgumentException(layer.kind() + " is not a linear layer");
  }

  /**
   * A convolution's map; with {@code im2col} its columns are the im2col vector the client lays
   * out ({@link SlotLayout#im2col}: tap t = (c, u, v), output position p at column {@code t P +
   * p}, P the output positions per channel) instead of the image.
   */
  static LinearMap conv(Layer.Conv2d c, Shape in, boolean im2col) {
    Shape o = c.outputShape(in);
    int plane = o.height() * o.width();
    int taps = c.inChannels() * c.kernelH() * c.kernelW();
    int[][] idx = new int[o.size()][];
    double[][] w = new double[o.size()][];
    double[] bias = new double[o.size()];
    double[] cb = c.bias();
    for (int oc = 0; oc < c.outChannels(); oc++) {
      for (int i = 0; i < o.height(); i++) {
        for (int j = 0; j < o.width(); j++) {
          int p = i * o.width() + j;
          int r = oc * plane + p;
          int[] ri = new int[taps];
          double[] rw = new double[taps];
          int n = 0;
          for (int ch = 0; ch < c.inChannels(); ch++) {
            for (int u = 0; u < c.kernelH(); u++) {
              int yy = i * c.strideH() + u - c.padTop();
              for (int v = 0; v < c.kernelW(); v++) {
                int xx = j * c.strideW() + v - c.padLeft();
                double x = c.weight(oc, ch, u, v);
                boolean inside = yy >= 0 && yy < in.height() && xx >= 0 && xx < in.width();
                if (x == 0 || !inside) {
                  continue;
                }
                int t = (ch * c.kernelH() + u) * c.kernelW() + v;
                ri[n] = im2col ? t * plane + p : in.index(ch, yy, xx);
                rw[n++] = x;
              }
            }
          }
          int[] order = sortedOrder(Arrays.copyOf(ri, n));
          idx[r] = new int[n];
          w[r] = new double[n];
          for (int k = 0; k < n; k++) {
            idx[r][k] = ri[order[k]];
            w[r][k] = rw[order[k]];
          }
          bias[r] = cb[oc];
        }
      }
    }
    return new LinearMap(o.size(), im2col ? taps * plane : in.size(), idx, w, bias);
  }

  private static int[] sorted(int[] a) {
    Arrays.sort(a);
    return a;
  }

  private static int[] sortedOrder(int[] a) {
    Integer[] o = new Integer[a.length];
    for (int i = 0; i < o.length; i++) {
      o[i] = i;
    }
    Arrays.sort(o, (x, y) -> Integer.compare(a[x], a[y]));
    int[] r = new int[o.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = o[i];
    }
    return r;
  }
}

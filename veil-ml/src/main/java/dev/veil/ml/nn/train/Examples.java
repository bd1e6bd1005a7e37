package dev.veil.ml.nn.train;

import java.util.Objects;

import dev.veil.ml.data.Idx;
import dev.veil.ml.nn.Shape;

/**
 * Labelled examples for {@link NetworkTrainer}: inputs of one {@link Shape}, stored as floats in
 * one flat array (60,000 MNIST images take 188 MB instead of twice that as doubles), and a class
 * per input. Immutable: the arrays are copied in and never handed out.
 *
 * @param shape the shape of one input
 * @param values {@code count * shape.size()} values, input after input, each channel-major
 * @param labels one class per input, each in {@code [0, classes)}
 * @param classes the number of classes, at least 2
 */
public record Examples(Shape shape, float[] values, int[] labels, int classes) {
  public Examples {
    Objects.requireNonNull(shape, "shape");
    if (classes < 2) {
      throw new IllegalArgumentException("at least 2 classes are needed, got " + classes);
    }
    if (labels.length == 0) {
      throw new IllegalArgumentException("no examples");
    }
    if ((long) labels.length * shape.size() != values.length) {
      throw new IllegalArgumentException(labels.length + " labels of inputs " + shape
          + " need " + (long) labels.length * shape.size() + " values, got " + values.length);
    }
    for (int k = 0; k < labels.length; k++) {
      if (labels[k] < 0 || labels[k] >= classes) {
        throw new IllegalArgumentException("label of example " + k + " is " + labels[k]
            + ", outside 0.." + (classes - 1));
      }
    }
    for (float v : values) {
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException("an input value is not finite: " + v);
      }
    }
    values = values.clone();
    labels = labels.clone();
  }

  /** Images as one-channel inputs {@code 1 x rows x columns}, with {@code classes} classes. */
  public static Examples of(Idx.LabelledImages data, int classes) {
    Idx.Images im = data.images();
    return new Examples(new Shape(1, im.rows(), im.columns()), im.pixels(), data.labels(),
        classes);
  }

  /** Number of examples. */
  public int count() {
    return labels.length;
  }

  /** The class of example {@code k}. */
  public int label(int k) {
    return labels[k];
  }

  /** Copies the input of example {@code k} into {@code to} (of {@code shape.size()} values). */
  public void input(int k, double[] to) {
    int n = shape.size();
    int base = k * n;
    for (int j = 0; j < n; j++) {
      to[j] = values[base + j];
    }
  }

  /**
   * Copies the input of example {@code k}, moved {@code down} rows and {@code right} columns
   * (negative: up, left), into {@code to}; the positions it leaves are 0.
   */
  public void shifted(int k, int down, int right, double[] to) {
    int h = shape.height();
    int w = shape.width();
    int base = k * shape.size();
    for (int c = 0; c < shape.channels(); c++) {
      for (int y = 0; y < h; y++) {
        int sy = y - down;
        for (int x = 0; x < w; x++) {
          int sx = x - right;
          int at = (c * h + y) * w + x;
          to[at] = sy >= 0 && sy < h && sx >= 0 && sx < w ? values[base + at - down * w - right]
              : 0;
        }
      }
    }
  }

  /** The input of example {@code k}, in double precision. */
  public double[] input(int k) {
    double[] x = new double[shape.size()];
    input(k, x);
    return x;
  }

  /** The first {@code n} examples (all of them when there are fewer). */
  public Examples head(int n) {
    int m = Math.min(n, count());
    float[] v = new float[m * shape.size()];
    System.arraycopy(values, 0, v, 0, v.length);
    int[] l = new int[m];
    System.arraycopy(labels, 0, l, 0, m);
    return new Examples(shape, v, l, classes);
  }

  @Override
  public float[] values() {
    return values.clone();
  }

  @Override
  public int[] labels() {
    return labels.clone();
  }
}

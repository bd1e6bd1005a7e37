package dev.veil.ml.nn;

import java.util.Arrays;
import java.util.Objects;

import dev.veil.ml.poly.ChebyshevSeries;

/**
 * One operation of a {@link Network}. Every layer maps activations of known shapes to one
 * activation; {@link #outputShape} checks that the input shapes fit (and names what does not),
 * {@link #forward} computes the layer in double precision. Layers are immutable (arrays are
 * copied in and never handed out for writing) and thread-safe.
 *
 * <p>Linear layers ({@link Conv2d}, {@link Dense}, {@link AveragePool}, {@link
 * GlobalAveragePool}, {@link Affine}, {@link Reshape}, {@link Add}) are what the compiler turns
 * into plaintext-ciphertext products and rotations; {@link Square} and {@link Activation} use
 * ciphertext multiplications and levels.
 */
public sealed interface Layer {
  /** Number of inputs: 1, or 2 for {@link Add}. */
  default int arity() {
    return 1;
  }

  /** The output shape for these input shapes; throws IllegalArgumentException naming a misfit. */
  Shape outputShape(Shape... in);

  /**
   * The layer on inputs of the given shapes (values channel-major).
   *
   * @param exact for {@link Activation}: the exact function (true) or its polynomial (false);
   *     ignored by the other layers
   */
  double[] forward(Shape[] shapes, double[][] inputs, boolean exact);

  /** A short name of the operation ("conv", "dense", ...), for messages and reports. */
  String kind();

  /**
   * 2-D convolution, groups 1, no dilation: {@code y[o][i][j] = bias[o] + sum_{c,u,v} w[o][c][u][v]
   * x[c][i*strideH + u - padTop][j*strideW + v - padLeft]}, zero outside the input.
   *
   * @param weights {@code outChannels x inChannels x kernelH x kernelW}, in that order
   * @param bias {@code outChannels} values
   */
  record Conv2d(int outChannels, int inChannels, int kernelH, int kernelW, int strideH,
      int strideW, int padTop, int padLeft, int padBottom, int padRight, double[] weights,
      double[] bias) implements Layer {
    public Conv2d {
      positive("output channels", outChannels);
      positive("input channels", inChannels);
      checkWindow(kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom, padRight);
      weights = finite("convolution weights", weights,
          (long) outChannels * inChannels * kernelH * kernelW);
      bias = finite("convolution bias", bias, outChannels);
    }

    @Override
    public Shape outputShape(Shape... in) {
      Shape s = single(this, in);
      if (s.channels() != inChannels) {
        throw new IllegalArgumentException("conv expects " + inChannels + " input channels, got "
            + s);
      }
      return windowOutput("conv", s, outChannels, kernelH, kernelW, strideH, strideW, padTop,
          padLeft, padBottom, padRight);
    }

    @Override
    public double[] forward(Shape[] shapes, double[][] inputs, boolean exact) {
      Shape s = shapes[0];
      Shape o = outputShape(s);
      double[] x = inputs[0];
      double[] y = new double[o.size()];
      for (int oc = 0; oc < outChannels; oc++) {
        for (int i = 0; i < o.height(); i++) {
          for (int j = 0; j < o.width(); j++) {
            double acc = bias[oc];
            for (int c = 0; c < inChannels; c++) {
              for (int u = 0; u < kernelH; u++) {
                int yy = i * strideH + u - padTop;
                if (yy < 0 || yy >= s.height()) {
                  continue;
                }
                for (int v = 0; v < kernelW; v++) {
                  int xx = j * strideW + v - padLeft;
                  if (xx < 0 || xx >= s.width()) {
                    continue;
                  }
                  acc += weight(oc, c, u, v) * x[s.index(c, yy, xx)];
                }
              }
            }
            y[o.index(oc, i, j)] = acc;
          }
        }
      }
      return y;
    }

    /** The weight {@code w[o][c][u][v]}. */
    public double weight(int o, int c, int u, int v) {
      return weights[((o * inChannels + c) * kernelH + u) * kernelW + v];
    }

    @Override
    public double[] weights() {
      return weights.clone();
    }

    @Override
    public double[] bias() {
      return bias.clone();
    }

    @Override
    public String kind() {
      return "conv";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Conv2d c && c.outChannels == outChannels && c.inChannels == inChannels
          && c.kernelH == kernelH && c.kernelW == kernelW && c.strideH == strideH
          && c.strideW == strideW && c.padTop == padTop && c.padLeft == padLeft
          && c.padBottom == padBottom && c.padRight == padRight
          && Arrays.equals(c.weights, weights) && Arrays.equals(c.bias, bias);
    }

    @Override
    public int hashCode() {
      return Objects.hash(outChannels, inChannels, kernelH, kernelW, Arrays.hashCode(weights));
    }

    @Override
    public String toString() {
      return "conv " + outChannels + "x" + inChannels + "x" + kernelH + "x" + kernelW
          + " stride " + strideH + "x" + strideW + " pad " + padTop + "," + padLeft + ","
          + padBottom + "," + padRight;
    }
  }

  /**
   * Fully connected: {@code y = W x + bias}, x the input flattened in channel-major order.
   *
   * @param weights {@code outputs x inputs}, row-major
   * @param bias {@code outputs} values
   */
  record Dense(int outputs, int inputs, double[] weights, double[] bias) implements Layer {
    public Dense {
      positive("outputs", outputs);
      positive("inputs", inputs);
      weights = finite("dense weights", weights, (long) outputs * inputs);
      bias = finite("dense bias", bias, outputs);
    }

    @Override
    public Shape outputShape(Shape... in) {
      Shape s = single(this, in);
      if (s.size() != inputs) {
        throw new IllegalArgumentException("dense expects " + inputs + " inputs, got " + s
            + " (" + s.size() + " values)");
      }
      return Shape.vector(outputs);
    }

    @Override
    public double[] forward(Shape[] shapes, double[][] in, boolean exact) {
      outputShape(shapes);
      double[] x = in[0];
      double[] y = new double[outputs];
      for (int r = 0; r < outputs; r++) {
        double acc = bias[r];
        int base = r * inputs;
        for (int c = 0; c < inputs; c++) {
          acc += weights[base + c] * x[c];
        }
        y[r] = acc;
      }
      return y;
    }

    /** The weight of input {@code c} in output {@code r}. */
    public double weight(int r, int c) {
      return weights[r * inputs + c];
    }

    @Override
    public double[] weights() {
      return weights.clone();
    }

    @Override
    public double[] bias() {
      return bias.clone();
    }

    @Override
    public String kind() {
      return "dense";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Dense d && d.outputs == outputs && d.inputs == inputs
          && Arrays.equals(d.weights, weights) && Arrays.equals(d.bias, bias);
    }

    @Override
    public int hashCode() {
      return Objects.hash(outputs, inputs, Arrays.hashCode(weights));
    }

    @Override
    public String toString() {
      return "dense " + outputs + "x" + inputs;
    }
  }

  /**
   * Average pooling per channel over {@code kernelH x kernelW} windows. With {@code
   * countIncludePad} the divisor is always the window's size; without it (ONNX's default), only
   * the window's positions inside the input are counted.
   */
  record AveragePool(int kernelH, int kernelW, int strideH, int strideW, int padTop, int padLeft,
      int padBottom, int padRight, boolean countIncludePad) implements Layer {
    public AveragePool {
      checkWindow(kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom, padRight);
      if (padTop >= kernelH || padBottom >= kernelH || padLeft >= kernelW
          || padRight >= kernelW) {
        throw new IllegalArgumentException("average-pool padding must be smaller than the kernel");
      }
    }

    @Override
    public Shape outputShape(Shape... in) {
      Shape s = single(this, in);
      return windowOutput("average-pool", s, s.channels(), kernelH, kernelW, strideH, strideW,
          padTop, padLeft, padBottom, padRight);
    }

    @Override
    public double[] forward(Shape[] shapes, double[][] inputs, boolean exact) {
      Shape s = shapes[0];
      Shape o = outputShape(s);
      double[] x = inputs[0];
      double[] y = new double[o.size()];
      for (int c = 0; c < s.channels(); c++) {
        for (int i = 0; i < o.height(); i++) {
          for (int j = 0; j < o.width(); j++) {
            double acc = 0;
            int count = 0;
            for (int u = 0; u < kernelH; u++) {
              int yy = i * strideH + u - padTop;
              for (int v = 0; v < kernelW; v++) {
                int xx = j * strideW + v - padLeft;
                if (yy >= 0 && yy < s.height() && xx >= 0 && xx < s.width()) {
                  acc += x[s.index(c, yy, xx)];
                  count++;
                }
              }
            }
            y[o.index(c, i, j)] = acc / (countIncludePad ? kernelH * kernelW : count);
          }
        }
      }
      return y;
    }

    @Override
    public String kind() {
      return "average-pool";
    }
  }

  /** The mean of each channel: {@code C x H x W -> C x 1 x 1}. */
  record GlobalAveragePool() implements Layer {
    @Override
    public Shape outputShape(Shape... in) {
      return Shape.vector(single(this, in).channels());
    }

    @Override
    public double[] forward(Shape[] shapes, double[][] inputs, boolean exact) {
      Shape s = single(this, shapes);
      int plane = s.height() * s.width();
      double[] y = new double[s.channels()];
      for (int c = 0; c < s.channels(); c++) {
        double acc = 0;
        for (int k = 0; k < plane; k++) {
          acc += inputs[0][c * plane + k];
        }
        y[c] = acc / plane;
      }
      return y;
    }

    @Override
    public String kind() {
      return "global-average-pool";
    }
  }

  /** A new shape of the same values in the same order (ONNX Flatten and static Reshape). */
  record Reshape(Shape to) implements Layer {
    public Reshape {
      Objects.requireNonNull(to, "to");
    }

    @Override
    public Shape outputShape(Shape... in) {
      Shape s = single(this, in);
      if (s.size() != to.size()) {
        throw new IllegalArgumentException("cannot reshape " + s + " (" + s.size()
            + " values) to " + to + " (" + to.size() + ")");
      }
      return to;
    }

    @Override
    public double[] forward(Shape[] shapes, double[][] inputs, boolean exact) {
      outputShape(shapes);
      return inputs[0].clone();
    }

    @Override
    public String kind() {
      return "reshape";
    }
  }

  /**
   * Element-wise {@code y = scale * x + shift}, one scale and one shift per value of the input
   * (constants broadcast at import: batch normalisation that cannot be folded, Mul/Add/Sub/Div by
   * a constant).
   */
  record Affine(double[] scale, double[] shift) implements Layer {
    public Affine {
      Objects.requireNonNull(scale, "scale");
      scale = finite("affine scale", scale, scale.length);
      shift = finite("affine shift", shift, scale.length);
      if (scale.length == 0) {
        throw new IllegalArgumentException("affine layer without values");
      }
    }

    @Override
    public Shape outputShape(Shape... in) {
      Shape s = single(this, in);
      if (s.size() != scale.length) {
        throw new IllegalArgumentException("affine layer of " + scale.length
            + " values applied to " + s);
      }
      return s;
    }

    @Override
    public double[] forward(Shape[] shapes, double[][] inputs, boolean exact) {
      outputShape(shapes);
      double[] y = new double[scale.length];
      for (int k = 0; k < y.length; k++) {
        y[k] = scale[k] * inputs[0][k] + shift[k];
      }
      return y;
    }

    @Override
    public double[] scale() {
      return scale.clone();
    }

    @Override
    public double[] shift() {
      return shift.clone();
    }

    /** Value k's scale. */
    public double scaleAt(int k) {
      return scale[k];
    }

    /** Value k's shift. */
    public double shiftAt(int k) {
      return shift[k];
    }

    @Override
    public String kind() {
      return "affine";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Affine a && Arrays.equals(a.scale, scale)
          && Arrays.equals(a.shift, shift);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(scale) * 31 + Arrays.hashCode(shift);
    }

    @Override
    public String toString() {
      return "affine " + scale.length;
    }
  }

  /** Element-wise sum of two activations of the same shape (a residual connection). */
  record Add() implements Layer {
    @Override
    public int arity() {
      return 2;
    }

    @Override
    public Shape outputShape(Shape... in) {
      if (in.length != 2) {
        throw new IllegalArgumentException("add takes 2 inputs, got " + in.length);
      }
      if (!in[0].equals(in[1])) {
        throw new IllegalArgumentException("add of different shapes " + in[0] + " and " + in[1]);
      }
      return in[0];
    }

    @Override
    public double[] forward(Shape[] shapes, double[][] inputs, boolean exact) {
      outputShape(shapes);
      double[] y = inputs[0].clone();
      for (int k = 0; k < y.length; k++) {
        y[k] += inputs[1][k];
      }
      return y;
    }

    @Override
    public String kind() {
      return "add";
    }
  }

  /** Element-wise {@code x^2} (CryptoNets' activation): one ciphertext multiplication. */
  record Square() implements Layer {
    @Override
    public Shape outputShape(Shape... in) {
      return single(this, in);
    }

    @Override
    public double[] forward(Shape[] shapes, double[][] inputs, boolean exact) {
      single(this, shapes);
      double[] y = inputs[0].clone();
      for (int k = 0; k < y.length; k++) {
        y[k] *= y[k];
      }
      return y;
    }

    @Override
    public String kind() {
      return "square";
    }
  }

  /**
   * An element-wise activation and the polynomial that stands for it under encryption.
   *
   * @param function what the layer computes in the original network
   * @param polynomial the polynomial evaluated under encryption, on its interval; null until
   *     the activation is approximated (such a network runs only in exact mode). For {@link
   *     Function#POLYNOMIAL} the polynomial is the function.
   * @param maxError the largest {@code |f(x) - p(x)|} on the polynomial's interval (0 for {@link
   *     Function#POLYNOMIAL}); NaN while not approximated
   */
  record Activation(Function function, ChebyshevSeries polynomial, double maxError)
      implements Layer {
    /** The functions an activation may stand for. */
    public enum Function {
      RELU,
      SIGMOID,
      TANH,
      SILU,
      GELU,
      /** A polynomial given by its coefficients: exact under encryption. */
      POLYNOMIAL;

      /** The function's value. */
      public double apply(double x) {
        return switch (this) {
          case RELU -> Math.max(0, x);
          case SIGMOID -> 1 / (1 + Math.exp(-x));
          case TANH -> Math.tanh(x);
          case SILU -> x / (1 + Math.exp(-x));
          case GELU -> 0.5 * x * (1 + Erf.erf(x / Math.sqrt(2)));
          case POLYNOMIAL -> throw new IllegalStateException("a polynomial has no other form");
        };
      }

      /** Lower-case name as written in files and messages. */
      public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
      }
    }

    public Activation {
      Objects.requireNonNull(function, "function");
      if (function == Function.POLYNOMIAL && polynomial == null) {
        throw new IllegalArgumentException("a polynomial activation needs its coefficients");
      }
      if (polynomial == null ? !Double.isNaN(maxError) : !(maxError >= 0)) {
        throw new IllegalArgumentException("maxError must be NaN without a polynomial, else >= 0,"
            + " got " + maxError);
      }
    }

    /** The function, not yet approximated. */
    public static Activation of(Function function) {
      return new Activation(function, null, Double.NaN);
    }

    /** Whether a polynomial stands for the function (needed to run under encryption). */
    public boolean approximated() {
      return polynomial != null;
    }

    @Override
    public Shape outputShape(Shape... in) {
      return single(this, in);
    }

    @Override
    public double[] forward(Shape[] shapes, double[][] inputs, boolean exact) {
      single(this, shapes);
      double[] y = inputs[0].clone();
      if (exact && function != Function.POLYNOMIAL) {
        for (int k = 0; k < y.length; k++) {
          y[k] = function.apply(y[k]);
        }
      } else {
        if (polynomial == null) {
          throw new IllegalStateException(function.id() + " is not approximated by a polynomial"
              + " yet: import the network with calibration inputs");
        }
        for (int k = 0; k < y.length; k++) {
          y[k] = polynomial.evaluate(y[k]);
        }
      }
      return y;
    }

    @Override
    public String kind() {
      return function.id();
    }
  }

  /** The checks of a sliding window: kernel and stride at least 1, paddings not negative. */
  private static void checkWindow(int kernelH, int kernelW, int strideH, int strideW, int padTop,
      int padLeft, int padBottom, int padRight) {
    positive("kernel height", kernelH);
    positive("kernel width", kernelW);
    positive("stride", strideH);
    positive("stride", strideW);
    notNegative("padding", padTop);
    notNegative("padding", padLeft);
    notNegative("padding", padBottom);
    notNegative("padding", padRight);
  }

  /** The output of a sliding window over {@code s} (floor division, as ONNX's ceil_mode 0). */
  private static Shape windowOutput(String kind, Shape s, int channels, int kernelH, int kernelW,
      int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight) {
    int h = s.height() + padTop + padBottom - kernelH;
    int w = s.width() + padLeft + padRight - kernelW;
    if (h < 0 || w < 0) {
      throw new IllegalArgumentException(kind + " kernel " + kernelH + "x" + kernelW
          + " is larger than its padded input " + s);
    }
    return new Shape(channels, h / strideH + 1, w / strideW + 1);
  }

  private static Shape single(Layer layer, Shape[] in) {
    if (in.length != 1) {
      throw new IllegalArgumentException(layer.kind() + " takes 1 input, got " + in.length);
    }
    return in[0];
  }

  private static void positive(String what, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(what + " must be at least 1, got " + v);
    }
  }

  private static void notNegative(String what, int v) {
    if (v < 0) {
      throw new IllegalArgumentException(what + " must not be negative, got " + v);
    }
  }

  private static double[] finite(String what, double[] v, long length) {
    Objects.requireNonNull(v, what);
    if (v.length != length) {
      throw new IllegalArgumentException(what + ": expected " + length + " values, got "
          + v.length);
    }
    for (double d : v) {
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException(what + " holds a value that is not finite: " + d);
      }
    }
    return v.clone();
  }
}

package dev.veil.ml.nn;

/**
 * The shape of one input or activation of a network, batch dimension left out: {@code channels x
 * height x width}, stored channel-major (the order of ONNX's NCHW tensors without N). A vector of
 * n values is {@code n x 1 x 1}.
 *
 * @param channels at least 1
 * @param height at least 1
 * @param width at least 1
 */
public record Shape(int channels, int height, int width) {
  /** The most values one activation may hold (2^26: far above any network Veil can compile). */
  public static final int MAX_SIZE = 1 << 26;

  public Shape {
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException("shape dimensions must be at least 1, got " + channels
          + " x " + height + " x " + width);
    }
    if ((long) channels * height * width > MAX_SIZE) {
      throw new IllegalArgumentException("shape " + channels + " x " + height + " x " + width
          + " holds more than " + MAX_SIZE + " values");
    }
  }

  /** A vector of {@code n} values. */
  public static Shape vector(int n) {
    return new Shape(n, 1, 1);
  }

  /** Number of values. */
  public int size() {
    return channels * height * width;
  }

  /** Index of value {@code (c, y, x)} in the channel-major order. */
  public int index(int c, int y, int x) {
    return (c * height + y) * width + x;
  }

  @Override
  public String toString() {
    return channels + "x" + height + "x" + width;
  }
}

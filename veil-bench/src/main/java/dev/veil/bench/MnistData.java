package dev.veil.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.veil.ml.data.Idx;

/**
 * The first images of MNIST's test or training set as the benchmark uses them: 784 values in [0,
 * 1] per image (pixel / 255, row-major) and its label 0..9. The files are read and checked by
 * {@link Idx#mnist} (headers against the bytes present, counts, labels).
 *
 * @param images one row of 784 values per image
 * @param labels one label per image
 */
public record MnistData(double[][] images, int[] labels) {
  /** Side of an image. */
  public static final int SIDE = 28;

  /** The first {@code count} test images (or all, if fewer) of directory {@code dir}. */
  public static MnistData test(Path dir, int count) throws IOException {
    return read(dir, false, count);
  }

  /** The first {@code count} training images (or all, if fewer) of directory {@code dir}. */
  public static MnistData train(Path dir, int count) throws IOException {
    return read(dir, true, count);
  }

  /** Whether the directory holds the training pair. */
  public static boolean hasTrain(Path dir) {
    return exists(dir, "train-images-idx3-ubyte") && exists(dir, "train-labels-idx1-ubyte");
  }

  private static boolean exists(Path dir, String name) {
    return Files.isRegularFile(dir.resolve(name)) || Files.isRegularFile(dir.resolve(name + ".gz"));
  }

  private static MnistData read(Path dir, boolean train, int count) throws IOException {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, got " + count);
    }
    Idx.LabelledImages all = Idx.mnist(dir, train);
    Idx.Images im = all.images();
    if (im.rows() != SIDE || im.columns() != SIDE) {
      throw new IOException(dir + ": MNIST images are " + SIDE + " x " + SIDE + ", these are "
          + im.rows() + " x " + im.columns());
    }
    int n = Math.min(count, im.count());
    int size = im.imageSize();
    float[] px = im.pixels();
    double[][] images = new double[n][size];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < size; j++) {
        images[i][j] = px[i * size + j];
      }
      labels[i] = all.labels()[i];
    }
    return new MnistData(images, labels);
  }

  /** Number of images. */
  public int size() {
    return labels.length;
  }
}

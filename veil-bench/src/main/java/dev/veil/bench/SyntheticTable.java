package dev.veil.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Random;

/**
 * A synthetic binary-classification table for memory and scaling runs of {@code veil bench helr}
 * (no real data): {@code features} standard-normal columns {@code x1..xd} and a label {@code y}
 * drawn from a logistic model whose weights decay as {@code 1/j}, all from one fixed seed, so the
 * same arguments always write the same file.
 *
 * <pre>java -cp veil-dist/target/veil.jar dev.veil.bench.SyntheticTable OUT.csv ROWS FEATURES</pre>
 */
public final class SyntheticTable {
  /** Seed of the generator. */
  public static final long SEED = 64;

  private SyntheticTable() {}

  /** Writes the table to {@code file} (through a temporary file, moved into place at the end). */
  public static void write(Path file, int rows, int features) throws IOException {
    if (rows < 2 || features < 1) {
      throw new IllegalArgumentException(
          "need at least 2 rows and 1 feature, got " + rows + " x " + features);
    }
    Random rnd = new Random(SEED);
    double[] w = new double[features];
    for (int j = 0; j < features; j++) {
      w[j] = (j % 2 == 0 ? 1.5 : -1.5) / (j + 1);
    }
    Path abs = file.toAbsolutePath();
    Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
    try (BufferedWriter out = Files.newBufferedWriter(tmp)) {
      StringBuilder head = new StringBuilder();
      for (int j = 0; j < features; j++) {
        head.append('x').append(j + 1).append(',');
      }
      out.write(head.append("y\n").toString());
      double[] x = new double[features];
      for (int i = 0; i < rows; i++) {
        double t = 0.2;
        StringBuilder line = new StringBuilder();
        for (int j = 0; j < features; j++) {
          x[j] = rnd.nextGaussian();
          t += w[j] * x[j];
          line.append(String.format(Locale.ROOT, "%.5f,", x[j]));
        }
        int y = rnd.nextDouble() < 1 / (1 + Math.exp(-t)) ? 1 : 0;
        out.write(line.append(y).append('\n').toString());
      }
    }
    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: SyntheticTable OUT.csv ROWS FEATURES");
      System.exit(2);
    }
    write(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
  }
}

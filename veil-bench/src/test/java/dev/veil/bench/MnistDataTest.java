package dev.veil.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX reader on small files written here: values, the count asked for, bad headers. */
class MnistDataTest {
  @TempDir Path dir;

  private void write(String name, int magic, int n, int rows, int cols, byte[] body, boolean gz)
      throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (DataOutputStream d = new DataOutputStream(b)) {
      d.writeInt(magic);
      d.writeInt(n);
      if (rows > 0) {
        d.writeInt(rows);
        d.writeInt(cols);
      }
      d.write(body);
    }
    Path p = dir.resolve(gz ? name + ".gz" : name);
    try (OutputStream o = gz ? new GZIPOutputStream(Files.newOutputStream(p))
        : Files.newOutputStream(p)) {
      o.write(b.toByteArray());
    }
  }

  private void files(int n, byte[] pixels, byte[] labels, boolean gz) throws IOException {
    write("t10k-images-idx3-ubyte", 0x803, n, 28, 28, pixels, gz);
    write("t10k-labels-idx1-ubyte", 0x801, n, 0, 0, labels, gz);
  }

  @Test
  void readsTheImagesAskedForScaledToTheUnitInterval() throws IOException {
    byte[] px = new byte[3 * 784];
    px[0] = (byte) 255;
    px[784 + 5] = (byte) 51;
    files(3, px, new byte[] {7, 2, 9}, true);
    MnistData d = MnistData.test(dir, 2);
    assertThat(d.size()).isEqualTo(2);
    assertThat(d.labels()).containsExactly(7, 2);
    assertThat(d.images()[0][0]).isEqualTo(1.0);
    assertThat(d.images()[1][5]).isCloseTo(0.2, within(1e-7));
    assertThat(MnistData.test(dir, 100).size()).isEqualTo(3);
    assertThat(MnistData.hasTrain(dir)).isFalse();
  }

  @Test
  void refusesImagesOfAnotherSizeAndFilesIdxRefuses() throws IOException {
    files(2, new byte[2 * 27 * 28], new byte[] {1, 2}, false);
    write("t10k-images-idx3-ubyte", 0x803, 2, 28, 27, new byte[2 * 27 * 28], false);
    assertThatThrownBy(() -> MnistData.test(dir, 2)).isInstanceOf(IOException.class)
        .hasMessageContaining("28 x 28");
    write("t10k-images-idx3-ubyte", 0x803, 2, 28, 28, new byte[784], false);
    assertThatThrownBy(() -> MnistData.test(dir, 2)).isInstanceOf(IOException.class);
    files(1, new byte[784], new byte[] {12}, false);
    assertThatThrownBy(() -> MnistData.test(dir, 1)).hasMessageContaining("not a digit");
  }
}

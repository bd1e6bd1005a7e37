package dev.veil.he.io;

import static dev.veil.he.io.IoFixtures.CTX;
import static dev.veil.he.io.IoFixtures.PARAMS;
import static dev.veil.he.io.IoFixtures.PK;
import static dev.veil.he.io.IoFixtures.SK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.he.rlwe.SecretKeyAccess;

class VeilIOFileTest {

  @TempDir Path dir;

  private long filesIn(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.count();
    }
  }

  @Test
  void atomicWriteThenRead() throws Exception {
    Path file = dir.resolve("pk.veil");
    VeilIO.writeAtomically(file, out -> VeilIO.write(out, PK));
    assertThat(Files.size(file)).isEqualTo(VeilIO.serializedSize(PK));
    assertThat(filesIn(dir)).isEqualTo(1);
    PublicKey back = VeilIO.readFile(file, in -> VeilIO.readPublicKey(in, CTX));
    assertThat(Arrays.deepEquals(back.b(), PK.b())).isTrue();
    // replacing an existing file
    VeilIO.writeAtomically(file, out -> VeilIO.write(out, PARAMS));
    assertThat(VeilIO.readFile(file, VeilIO::readParameters)).isEqualTo(PARAMS);
    assertThat(filesIn(dir)).isEqualTo(1);
  }

  @Test
  void failedWriteLeavesTargetAndNoTemporaryFile() throws Exception {
    Path file = dir.resolve("params.veil");
    VeilIO.writeAtomically(file, out -> VeilIO.write(out, PARAMS));
    byte[] before = Files.readAllBytes(file);
    assertThatThrownBy(() -> VeilIO.writeAtomically(file, out -> {
          VeilIO.write(out, PK);
          throw new IOException("disk full (simulated)");
        }))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("simulated");
    assertThat(Files.readAllBytes(file)).containsExactly(before);
    assertThat(filesIn(dir)).isEqualTo(1);
    Path fresh = dir.resolve("never.veil");
    assertThatThrownBy(() -> VeilIO.writeAtomically(fresh, out -> {
          throw new IllegalStateException("boom");
        }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(fresh).doesNotExist();
    assertThat(filesIn(dir)).isEqualTo(1);
  }

  @Test
  void bodyClosingTheStreamIsHarmless() throws Exception {
    Path file = dir.resolve("sk.veil");
    VeilIO.writeAtomically(file, out -> {
      try (out) {
        VeilIO.writeSecretKey(out, SK, SecretKeyAccess.INSECURE);
      }
    });
    SecretKey back = VeilIO.readFile(file, in -> VeilIO.readSecretKey(in, CTX));
    assertThat(back.coefficients(SecretKeyAccess.INSECURE))
        .containsExactly(SK.coefficients(SecretKeyAccess.INSECURE));
  }

  @Test
  void trailingBytesInAFileAreRejected() throws Exception {
    Path file = dir.resolve("params.veil");
    VeilIO.writeAtomically(file, out -> {
      VeilIO.write(out, PARAMS);
      out.write(0);
    });
    assertThatThrownBy(() -> VeilIO.readFile(file, VeilIO::readParameters))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("trailing bytes");
  }
}

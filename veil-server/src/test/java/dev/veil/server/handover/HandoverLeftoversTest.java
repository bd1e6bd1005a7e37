package dev.veil.server.handover;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandoverLeftoversTest {
  @TempDir Path dir;

  @Test
  void aSoleServerDeletesEveryFileACrashedDeliveryLeft() throws Exception {
    Files.write(dir.resolve("switched-1.ct"), new byte[] {1});
    Files.write(dir.resolve("delivered-2.ct"), new byte[] {2});
    Files.write(dir.resolve("notes.txt"), new byte[] {3});
    assertThat(HandoverService.removeLeftovers(dir, true, Duration.ofHours(6))).isEqualTo(2);
    assertThat(dir.resolve("switched-1.ct")).doesNotExist();
    assertThat(dir.resolve("delivered-2.ct")).doesNotExist();
    assertThat(dir.resolve("notes.txt")).exists();
  }

  @Test
  void aSharedDirectoryKeepsFilesThatADeliveryMayStillWrite() throws Exception {
    Path old = Files.write(dir.resolve("switched-old.ct"), new byte[] {1});
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(7))));
    Path fresh = Files.write(dir.resolve("delivered-new.ct"), new byte[] {2});
    assertThat(HandoverService.removeLeftovers(dir, false, Duration.ofHours(6))).isEqualTo(1);
    assertThat(old).doesNotExist();
    assertThat(fresh).exists();
  }

  @Test
  void aMissingDirectoryIsNothingToClean() throws Exception {
    assertThat(HandoverService.removeLeftovers(dir.resolve("absent"), true, Duration.ZERO))
        .isZero();
  }
}

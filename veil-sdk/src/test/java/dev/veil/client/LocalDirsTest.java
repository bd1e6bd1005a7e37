package dev.veil.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the command line's directories for the upload helpers, and refusing wrong ones. */
class LocalDirsTest {
  @TempDir Path dir;

  private Path file(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void aKeyDirectoryNeedsItsPublicFilesButNotTheSecretKey() throws IOException {
    file(VeilFiles.PARAMS, "p");
    file(VeilFiles.PUBLIC_KEY, "pk");
    assertThatThrownBy(() -> LocalDirs.keyDir(dir)).hasMessage("no evaluation.keys in " + dir
        + " (expected a key directory from veil keygen)");
    file(VeilFiles.EVALUATION_KEYS, "evk");
    LocalDirs.KeyDir k = LocalDirs.keyDir(dir);
    assertThat(k.params()).isEqualTo(dir.resolve(VeilFiles.PARAMS));
    assertThat(k.publicKey()).isEqualTo(dir.resolve(VeilFiles.PUBLIC_KEY));
    assertThat(k.evaluationKeys()).isEqualTo(dir.resolve(VeilFiles.EVALUATION_KEYS));
    Files.write(dir.resolve(VeilFiles.PARAMS), new byte[(1 << 20) + 1]);
    assertThatThrownBy(() -> LocalDirs.keyDir(dir)).hasMessageEndingWith(
        "params.bin is too large for parameters");
  }

  @Test
  void aDirectoryThatIsAFileOrAbsentIsNamed() throws IOException {
    Path f = file("plain", "x");
    assertThatThrownBy(() -> LocalDirs.dataDir(f)).hasMessage("'" + f + "' is not a directory"
        + " (expected an encrypted data set from veil encrypt)");
    Path none = dir.resolve("none");
    assertThatThrownBy(() -> LocalDirs.rowsFiles(none)).hasMessage("no such directory: " + none
        + " (expected rows encrypted for inference by veil encrypt --schema)");
  }

  @Test
  void aDataSetHasEveryPartOfItsTablesInOrder() throws IOException {
    Map<String, String> refusals = Map.of(
        "{\"format\":\"veil-rows/1\"}", "format 'veil-rows/1', expected 'veil-data/1'",
        "{\"format\":\"veil-data/1\",\"model\":\"tree\",\"features\":1,\"ciphertexts\":1,\"rows\":7}",
        "tree",
        "{\"format\":\"veil-data/1\",\"model\":\"logistic\",\"rows\":7,\"features\":1,\"ciphertexts\":0}",
        "ciphertexts",
        "{\"format\":\"veil-data/1\",\"ciphertexts\":1,\"rows\":7}", "model is missing",
        "[1]", "meta.json: not a JSON object",
        "{\"format\":", "not valid JSON");
    for (Map.Entry<String, String> r : refusals.entrySet()) {
      file(VeilFiles.META, r.getKey());
      assertThatThrownBy(() -> LocalDirs.dataDir(dir)).as(r.getKey())
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(r.getValue());
    }
    file(VeilFiles.META,
        "{\"format\":\"veil-data/1\",\"model\":\"logistic\",\"features\":1,\"ciphertexts\":2,\"rows\":7}");
    file(VeilFiles.datasetPart(0), "a");
    assertThatThrownBy(() -> LocalDirs.dataDir(dir)).hasMessageStartingWith("no z-00001.ct in");
    file(VeilFiles.datasetPart(1), "b");
    LocalDirs.DataDir d = LocalDirs.dataDir(dir);
    assertThat(d.meta().path("rows").asInt()).isEqualTo(7);
    assertThat(d.parts()).containsExactly(dir.resolve("z-00000.ct"), dir.resolve("z-00001.ct"));
  }

  @Test
  void rowsAreListedBatchAfterBatchFeatureAfterFeature() throws IOException {
    file(VeilFiles.META, "{\"format\":\"veil-rows/1\",\"batches\":0,\"features\":2}");
    assertThatThrownBy(() -> LocalDirs.rowsFiles(dir)).hasMessageEndingWith(
        "'batches' and 'features' must be 1 or more");
    file(VeilFiles.META, "{\"format\":\"veil-rows/1\",\"batches\":2,\"features\":2}");
    for (int b = 0; b < 2; b++) {
      for (int j = 0; j < 2; j++) {
        file(VeilFiles.rowsFile(b, j), b + "," + j);
      }
    }
    assertThat(LocalDirs.rowsFiles(dir)).extracting(p -> p.getFileName().toString())
        .containsExactly("x-00000-0000.ct", "x-00000-0001.ct", "x-00001-0000.ct",
            "x-00001-0001.ct");
  }
}

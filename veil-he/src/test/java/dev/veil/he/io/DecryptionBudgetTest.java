package dev.veil.he.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.veil.he.rlwe.DecryptionBudgetExhaustedException;

/**
 * The persisted budget: counted across handles and processes, refused when spent, never fresh for
 * an existing key (missing, edited, or another key's file), carried by a copied key directory.
 */
class DecryptionBudgetTest {
  @TempDir Path tmp;

  private Path keyDir(String name, String secret) throws IOException {
    Path dir = Files.createDirectory(tmp.resolve(name));
    Files.writeString(dir.resolve(DecryptionBudget.SECRET_KEY_FILE), secret);
    return dir;
  }

  @Test
  void chargesAreCountedInTheFileAndRefusedWhenSpent() throws IOException {
    Path dir = keyDir("k", "secret one");
    DecryptionBudget b = DecryptionBudget.create(dir, 30, 3);
    assertThat(b.used()).isZero();
    assertThat(b.limit()).isEqualTo(3);
    assertThat(b.charge(2)).isEqualTo(2);
    DecryptionBudget again = DecryptionBudget.open(dir);
    assertThat(again.used()).isEqualTo(2);
    assertThat(again.policy(12).maxDecryptions()).isEqualTo(3);
    assertThat(again.policy(12).securityBits()).isEqualTo(30);
    assertThatThrownBy(() -> again.charge(2)).isInstanceOf(DecryptionBudgetExhaustedException.class)
        .hasMessageContaining("made 2 of its 3");
    assertThat(b.used()).as("a refused charge writes nothing").isEqualTo(2);
    again.charge(1);
    assertThat(b.remaining()).isZero();
    assertThatThrownBy(() -> b.charge(1)).isInstanceOf(DecryptionBudgetExhaustedException.class);
    assertThatThrownBy(() -> DecryptionBudget.create(dir, 30, 100))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never a fresh one");
  }

  @Test
  void aCopiedKeyDirectoryCarriesItsCount() throws IOException {
    Path dir = keyDir("k", "secret");
    DecryptionBudget.create(dir, 40, 5).charge(4);
    Path copy = Files.createDirectory(tmp.resolve("copy"));
    for (String f : List.of(DecryptionBudget.SECRET_KEY_FILE, DecryptionBudget.FILE)) {
      Files.copy(dir.resolve(f), copy.resolve(f));
    }
    DecryptionBudget b = DecryptionBudget.open(copy);
    assertThat(b.used()).isEqualTo(4);
    b.charge(1);
    assertThatThrownBy(() -> b.charge(1)).isInstanceOf(DecryptionBudgetExhaustedException.class);
  }

  @Test
  void aMissingEditedOrForeignBudgetIsRefusedNotRenewed() throws IOException {
    Path dir = keyDir("k", "secret");
    assertThatThrownBy(() -> DecryptionBudget.open(dir)).isInstanceOf(FormatException.class)
        .hasMessageContaining("no decryption budget");
    DecryptionBudget.create(dir, 30, 8).charge(8);
    Path file = dir.resolve(DecryptionBudget.FILE);
    String json = Files.readString(file);
    Files.writeString(file, json.replace("\"used\": 8", "\"used\": -1"));
    assertThatThrownBy(() -> DecryptionBudget.open(dir)).isInstanceOf(FormatException.class)
        .hasMessageContaining("edited or damaged");
    Files.writeString(file, json.replace("\"used\": 8", "\"used\": 9"));
    assertThatThrownBy(() -> DecryptionBudget.open(dir)).isInstanceOf(FormatException.class)
        .hasMessageContaining("used 9 of 8");
    Files.writeString(file, json);
    Path other = keyDir("other", "another secret");
    Files.copy(file, other.resolve(DecryptionBudget.FILE));
    assertThatThrownBy(() -> DecryptionBudget.open(other)).isInstanceOf(FormatException.class)
        .hasMessageContaining("another secret key");
    Files.write(file, new byte[DecryptionBudget.FILE.length() + 5000]);
    assertThatThrownBy(() -> DecryptionBudget.open(dir)).isInstanceOf(FormatException.class);
    assertThat(Files.readAllBytes(dir.resolve(DecryptionBudget.SECRET_KEY_FILE)))
        .isEqualTo("secret".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theLastDecryptionIsSpentOnceAcrossProcesses() throws Exception {
    Path dir = keyDir("k", "secret");
    DecryptionBudget.create(dir, 30, 5);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> ps = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ps.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          ChargeMain.class.getName(), dir.toString(), "3").redirectErrorStream(true).start());
    }
    int spent = 0;
    for (Process p : ps) {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      spent += Integer.parseInt(out);
    }
    assertThat(spent).as("charges that succeeded across 4 processes of 3 each").isEqualTo(5);
    assertThat(DecryptionBudget.open(dir).used()).isEqualTo(5);
  }

  /** Charges one decryption {@code args[1]} times; prints how many charges succeeded. */
  public static final class ChargeMain {
    public static void main(String[] args) throws IOException {
      DecryptionBudget b = DecryptionBudget.open(Path.of(args[0]));
      int ok = 0;
      for (int i = 0; i < Integer.parseInt(args[1]); i++) {
        try {
          b.charge(1);
          ok++;
        } catch (DecryptionBudgetExhaustedException e) {
          // spent by another process
        }
      }
      System.out.println(ok);
    }
  }
}

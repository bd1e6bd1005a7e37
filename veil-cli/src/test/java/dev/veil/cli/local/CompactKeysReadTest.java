package dev.veil.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

import dev.veil.he.ckks.Evaluator;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.he.rlwe.SwitchingKey;

/** {@code veil train}'s compact reading of an evaluation-key set (when the heap is short). */
class CompactKeysReadTest {
  @Test
  void aSeededSetIsReadCompactWithTheSameKeys() throws Exception {
    Parameters params = Parameters.builder().logN(11).logQ(50, 40).logP(51).securityOff().build();
    try (HeContext ctx = new HeContext(params, 1)) {
      KeyGenerator kg = new KeyGenerator(ctx);
      SecretKey sk = kg.secretKey();
      EvaluationKeys evk = new EvaluationKeys(params, kg.relinearizationKey(sk),
          kg.galoisKeys(sk, Evaluator.galoisElements(params, new int[] {1, -2})));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      VeilIO.write(bytes, evk);
      EvaluationKeys back =
          Training.readCompact(new ByteArrayInputStream(bytes.toByteArray()), ctx);
      assertThat(back.relinearizationKey().isCompact()).isTrue();
      assertThat(back.galoisKeys().keySet()).isEqualTo(evk.galoisKeys().keySet());
      List<SwitchingKey> original = List.copyOf(evk.galoisKeys().values());
      List<SwitchingKey> read = List.copyOf(back.galoisKeys().values());
      for (int i = 0; i < read.size(); i++) {
        assertThat(read.get(i).isCompact()).isTrue();
        assertThat(Arrays.deepEquals(read.get(i).a(0), original.get(i).a(0))).isTrue();
        assertThat(Arrays.deepEquals(read.get(i).b(0), original.get(i).b(0))).isTrue();
      }
    }
  }
}

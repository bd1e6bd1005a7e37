package dev.veil.ml.nn.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.veil.ml.data.Idx;
import dev.veil.ml.data.SharedDatasets;

/**
 * The CryptoNets network on the real MNIST (from the shared data sets; skipped without them):
 * three epochs on all 60,000 images reach 98 % on the 10,000 test images. About a minute on two
 * cores, hence slow.
 */
@Tag("slow")
class MnistTrainingTest {
  @Test
  void threeEpochsOfCryptonetsReach98PercentOnTheTestImages() throws IOException {
    Optional<Path> dir = SharedDatasets.root().map(r -> r.resolve("mnist"))
        .filter(Files::isDirectory);
    assumeTrue(dir.isPresent(), SharedDatasets.missing("mnist"));
    Examples train = Examples.of(Idx.mnist(dir.get(), true), 10);
    Examples test = Examples.of(Idx.mnist(dir.get(), false), 10);
    NetworkTrainer.Result r = new NetworkTrainer(TrainingOptions.defaults().withEpochs(3)
        .withShift(2)).train(NetworkTrainer.cryptonets(1), train, test, null);
    assertThat(r.last().testAccuracy()).isGreaterThan(0.98);
  }
}

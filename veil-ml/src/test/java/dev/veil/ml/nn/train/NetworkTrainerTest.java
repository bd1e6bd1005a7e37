package dev.veil.ml.nn.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.veil.ml.nn.Layer;
import dev.veil.ml.nn.Network;
import dev.veil.ml.nn.Shape;

class NetworkTrainerTest {
  /**
   * A separable image task: 8x8 images of 4 classes, class c a bright 3x3 patch at a random
   * place in quadrant c, over uniform noise in [0, 0.3].
   */
  static Examples quadrants(int count, long seed) {
    Random r = new Random(seed);
    float[] values = new float[count * 64];
    int[] labels = new int[count];
    for (int e = 0; e < count; e++) {
      int c = r.nextInt(4);
      labels[e] = c;
      for (int k = 0; k < 64; k++) {
        values[e * 64 + k] = 0.3f * r.nextFloat();
      }
      int top = (c / 2) * 4 + r.nextInt(2);
      int left = (c % 2) * 4 + r.nextInt(2);
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          values[e * 64 + (top + i) * 8 + left + j] = 0.7f + 0.3f * r.nextFloat();
        }
      }
    }
    return new Examples(new Shape(1, 8, 8), values, labels, 4);
  }

  private static TrainingOptions options() {
    return TrainingOptions.defaults().withEpochs(6).withBatchSize(40).withLearningRate(0.01)
        .withThreads(1).withSeed(11);
  }

  @Test
  void cryptonetsShapeIsTheLolaNetwork() {
    Network net = NetworkTrainer.cryptonets(1);
    assertThat(net.shapes().get(0)).isEqualTo(new Shape(5, 13, 13));
    assertThat(net.shapes().get(0).size()).isEqualTo(845);
    assertThat(net.nodes()).extracting(n -> n.layer().kind())
        .containsExactly("conv", "square", "dense", "square", "dense");
    assertThat(net.outputShape()).isEqualTo(Shape.vector(10));
    assertThat(net.output()).isEqualTo(Network.Output.SOFTMAX);
    assertThat(net.parameters()).isEqualTo(5 * 25 + 5 + 845 * 100 + 100 + 100 * 10 + 10);
    assertThat(NetworkTrainer.cryptonets(1)).isEqualTo(net);
    assertThat(NetworkTrainer.cryptonets(2)).isNotEqualTo(net);
    // variance 1 / fan-in: the dense layer's 84,500 weights have a mean square close to 1/845
    double[] w = ((Layer.Dense) net.nodes().get(2).layer()).weights();
    double ms = 0;
    for (double v : w) {
      ms += v * v;
    }
    assertThat(ms / w.length * 845).isBetween(0.97, 1.03);
  }

  @Test
  void learnsASeparableImageTask() {
    Examples train = quadrants(480, 1);
    Examples test = quadrants(400, 2);
    Network initial = NetworkTrainer.cryptonets(new Shape(1, 8, 8), 16, 4, 3);
    NetworkTrainer trainer = new NetworkTrainer(options());
    double before = trainer.evaluate(initial, test).accuracy();
    List<NetworkTrainer.EpochReport> seen = new ArrayList<>();
    NetworkTrainer.Result result = trainer.train(initial, train, test, seen::add);
    assertThat(seen).hasSize(6).isEqualTo(result.epochs());
    assertThat(result.last().testAccuracy()).isGreaterThan(0.95);
    assertThat(before).isLessThan(0.6);
    assertThat(result.last().trainLoss()).isLessThan(seen.get(0).trainLoss());
    // the reported accuracy is that of the returned network under Network's own forward pass
    int right = 0;
    for (int e = 0; e < test.count(); e++) {
      if (result.network().predict(test.input(e), Network.Mode.POLYNOMIAL) == test.label(e)) {
        right++;
      }
    }
    assertThat((double) right / test.count()).isEqualTo(result.last().testAccuracy());
    assertThat(result.network().nodes()).extracting(Network.Node::name)
        .isEqualTo(initial.nodes().stream().map(Network.Node::name).toList());
  }

  @Test
  void aSeededRunGivesTheSameWeightsOnAnyNumberOfThreads() {
    Examples train = quadrants(203, 4); // batches of 40 end in a partial chunk and batch
    Network initial = NetworkTrainer.cryptonets(new Shape(1, 8, 8), 8, 4, 5);
    TrainingOptions o = options().withEpochs(2);
    Network one = new NetworkTrainer(o).train(initial, train, null, null).network();
    Network three = new NetworkTrainer(o.withThreads(3)).train(initial, train, null, null)
        .network();
    Network four = new NetworkTrainer(o.withThreads(4)).train(initial, train, null, null)
        .network();
    assertThat(three).isEqualTo(one);
    assertThat(four).isEqualTo(one);
    assertThat(one).isNotEqualTo(initial);
    Network otherSeed = new NetworkTrainer(o.withSeed(12)).train(initial, train, null, null)
        .network();
    assertThat(otherSeed).isNotEqualTo(one);
  }

  @Test
  void momentumAndTheStepScheduleAlsoLearn() {
    Examples train = quadrants(480, 6);
    Examples test = quadrants(300, 7);
    TrainingOptions o = options().withOptimizer(TrainingOptions.Optimizer.MOMENTUM)
        .withSchedule(TrainingOptions.Schedule.STEP).withLearningRate(0.02).withEpochs(8)
        .withThreads(2);
    NetworkTrainer.Result r = new NetworkTrainer(o)
        .train(NetworkTrainer.cryptonets(new Shape(1, 8, 8), 16, 4, 8), train, test, null);
    assertThat(r.last().testAccuracy()).isGreaterThan(0.9);
    assertThat(r.epochs().get(7).learningRate()).isCloseTo(0.0002, within(1e-12));
  }

  @Test
  void examplesThatDoNotFitTheNetworkAreRefusedByName() {
    NetworkTrainer t = new NetworkTrainer(options());
    Network net = NetworkTrainer.cryptonets(new Shape(1, 8, 8), 8, 4, 1);
    Examples wrongShape = new Examples(new Shape(1, 9, 9), new float[81 * 2], new int[2], 4);
    assertThatThrownBy(() -> t.train(net, wrongShape, null, null))
        .hasMessageContaining("1x9x9").hasMessageContaining("1x8x8");
    Examples threeClasses = new Examples(new Shape(1, 8, 8), new float[64], new int[1], 3);
    assertThatThrownBy(() -> t.train(net, quadrants(10, 1), threeClasses, null))
        .hasMessageContaining("test examples have 3 classes");
    assertThatThrownBy(() -> new Examples(new Shape(1, 2, 2), new float[4], new int[] {5}, 4))
        .hasMessageContaining("label of example 0 is 5");
    assertThatThrownBy(() -> options().withBatchSize(0)).hasMessageContaining("batch size");
  }

  @Test
  void aLearningRateFarTooLargeIsReportedAsDivergence() {
    TrainingOptions o = options().withClipNorm(0).withLearningRate(1e6)
        .withOptimizer(TrainingOptions.Optimizer.MOMENTUM).withEpochs(3);
    assertThatThrownBy(() -> new NetworkTrainer(o).train(
        NetworkTrainer.cryptonets(new Shape(1, 8, 8), 8, 4, 1), quadrants(200, 3), null, null))
        .isInstanceOf(ArithmeticException.class).hasMessageContaining("diverged");
  }
}

package dev.veil.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.linalg.RotateSum;
import dev.veil.ml.plain.Sigmoid;
import org.junit.jupiter.api.Test;

class PlannerTest {
  @Test
  void levelsPerIterationCountEveryStep() {
    // product + mask + sigmoid + product with z
    assertThat(Planner.logistic(100, 4).levelsPerIteration()).isEqualTo(3 + 2);
    assertThat(Planner.logistic(100, 4).withSigmoid(Sigmoid.KIM_DEGREE_5, -8, 8)
        .levelsPerIteration()).isEqualTo(3 + 3);
    assertThat(Planner.logistic(100, 4).withSigmoid(Sigmoid.KIM_DEGREE_7, -8, 8)
        .levelsPerIteration()).isEqualTo(3 + 3);
  }

  @Test
  void selectsSecureParametersForTheWholeRun() {
    TrainingPlan p = Planner.logistic(1579, 18).withIterations(3).plan();
    assertThat(p.totalLevels()).isEqualTo(15);
    assertThat(p.refreshes()).isZero();
    assertThat(p.params().securityOff()).isFalse();
    assertThat(p.params().maxLevel()).isGreaterThanOrEqualTo(15);
    assertThat(p.params().logQP()).isLessThanOrEqualTo(Parameters.maxLogQP(p.params().logN()));
    assertThat(p.layout().features()).isEqualTo(19);
    assertThat(p.layout().blockSize()).isEqualTo(32);
    assertThat(p.rotations()).containsExactly(RotateSum.rotationsNeeded(p.layout(),
        RotateSum.Op.FEATURES_REPLICATED, RotateSum.Op.ROWS));
    assertThat(p.outputLevel()).isEqualTo(p.params().maxLevel() - 15);
  }

  @Test
  void refusesTooDeepRunsBeforeAnyWorkSayingWhatToChange() {
    assertThatThrownBy(() -> Planner.logistic(1579, 18).withIterations(20)
        .withSigmoid(Sigmoid.KIM_DEGREE_7, -8, 8).plan())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("120 levels")
        .hasMessageContaining("iterations")
        .hasMessageContaining("lower degree")
        .hasMessageContaining("allow refresh");
    Parameters small = Parameters.builder().logN(12).logQ(60, 40, 40, 40, 40, 40, 40).logP(61)
        .securityOff().build();
    assertThatThrownBy(() -> Planner.logistic(64, 3).withIterations(2).withParameters(small)
        .plan())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use at most 1 iterations");
  }

  @Test
  void plansRefreshesWhenAllowed() {
    TrainingPlan p = Planner.logistic(1579, 18).withIterations(20)
        .withSigmoid(Sigmoid.KIM_DEGREE_7, -8, 8).allowRefresh(true).plan();
    assertThat(p.refreshes()).isPositive();
    assertThat(p.iterationsPerSegment() * (p.refreshes() + 1)).isGreaterThanOrEqualTo(20);
    assertThat(p.levelsPerSegment()).isLessThanOrEqualTo(p.params().maxLevel());
    assertThat(p.params().logN()).isEqualTo(16);
  }
}

package dev.veil.ml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScalerTest {
    private static final double[][] TRAIN = {{0, 10, 5}, {2, 20, 5}, {4, 30, 5}};

    @Test
    void minMaxMapsTrainingRangeOntoMinusOneOne() {
        Scaler s = Scaler.fit(Scaler.Kind.MIN_MAX, TRAIN);
        assertThat(s.offsets()).containsExactly(2, 20, 5);
        assertThat(s.scales()).containsExactly(2, 10, 1);
        assertThat(s.transform(TRAIN)).isDeepEqualTo(new double[][] {{-1, -1, 0}, {0, 0, 0}, {1, 1, 0}});
        // rows outside the training range leave [-1, 1] unless clipped; constant column: no division by zero
        assertThat(s.transform(new double[] {6, 0, 7})).containsExactly(2, -2, 2);
        assertThat(s.withClip(true).transform(new double[] {6, 0, 7})).containsExactly(1, -1, 1);
    }

    @Test
    void maxAbsKeepsZerosAndBinaryColumns() {
        Scaler s = Scaler.fit(Scaler.Kind.MAX_ABS, new double[][] {{0, -4, 0}, {1, 2, 0}});
        assertThat(s.offsets()).containsExactly(0, 0, 0);
        assertThat(s.scales()).containsExactly(1, 4, 1);
        assertThat(s.transform(new double[] {1, -4, 0})).containsExactly(1, -1, 0);
    }

    @Test
    void standardisation() {
        Scaler s = Scaler.fit(Scaler.Kind.STANDARD, TRAIN);
        double sd = Math.sqrt(8.0 / 3);
        assertThat(s.offsets()).containsExactly(2, 20, 5);
        assertThat(s.scales()[0]).isCloseTo(sd, within(1e-15));
        assertThat(s.scales()[2]).isEqualTo(1.0);
        double[][] z = s.transform(TRAIN);
        for (int j = 0; j < 3; j++) {
            double mean = 0;
            double var = 0;
            for (double[] r : z) {
                mean += r[j] / 3;
            }
            for (double[] r : z) {
                var += (r[j] - mean) * (r[j] - mean) / 3;
            }
            assertThat(mean).isCloseTo(0, within(1e-15));
            assertThat(var).isCloseTo(j == 2 ? 0 : 1, within(1e-14));
        }
    }

    @Test
    void roundTripAndMetadata() {
        for (Scaler.Kind kind : Scaler.Kind.values()) {
            Scaler s = Scaler.fit(kind, TRAIN);
            double[] x = {3.7, -12.5, 9};
            double[] back = s.inverse(s.transform(x));
            for (int j = 0; j < x.length; j++) {
                assertThat(back[j]).isCloseTo(x[j], within(1e-12));
            }
            Scaler copy = new Scaler(s.kind(), s.offsets(), s.scales(), s.clip());
            assertThat(copy).isEqualTo(s).hasSameHashCodeAs(s);
        }
    }

    @Test
    void appliesToTablesAndChecksShapes() {
        Table t = Table.of(List.of("a", "b", "c"), TRAIN, "y", new double[] {0, 1, 0});
        Table scaled = Scaler.minMax(t).transform(t);
        assertThat(scaled.labels()).containsExactly(0, 1, 0);
        assertThat(scaled.row(2)).containsExactly(1, 1, 0);
        assertThatThrownBy(() -> Scaler.minMax(t).transform(new double[] {1, 2}))
                .hasMessage("scaler has 3 features, row has 2");
        assertThatThrownBy(() -> new Scaler(Scaler.Kind.MIN_MAX, new double[] {0}, new double[] {0}, false))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

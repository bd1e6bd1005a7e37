package dev.veil.ml.plain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.veil.ml.data.ConfusionMatrix;
import dev.veil.ml.data.CsvReader;
import dev.veil.ml.data.Scaler;
import dev.veil.ml.data.Scaling;
import dev.veil.ml.data.SharedDatasets;
import dev.veil.ml.data.Table;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Reference algorithms on the shared public data sets; skipped when they are absent. */
class SharedDatasetsTest {
    private static final String[] HELR = {"edin", "lbw", "nhanes3", "pcs", "uis", "idash"};

    @Test
    void oneVsRestOnIris() throws IOException {
        var file = SharedDatasets.file("iris.csv");
        Assumptions.assumeTrue(file.isPresent(), SharedDatasets.missing("iris.csv"));
        Table iris = CsvReader.defaults().withLabel("species").read(file.get());
        assertThat(iris.numClasses()).isEqualTo(3);

        var irls = CrossValidation.multiclass(iris, 5, 1, Scaling.MIN_MAX, ExactLogisticRegression.defaults());
        assertThat(irls.meanAccuracy()).isGreaterThan(0.9);

        Scaler scaler = Scaler.minMax(iris);
        double[][] x = scaler.transform(iris.features());
        OneVsRest ovr = OneVsRest.fit(ExactLogisticRegression.defaults(), x, iris.classIndices(), 3);
        int[] predicted = ovr.predict(x);
        ConfusionMatrix m = ConfusionMatrix.of(iris.classIndices(), predicted, 3);
        assertThat(m.accuracy()).isGreaterThan(0.9);
        assertThat(m.count(0, 0)).isEqualTo(50);

        var nesterov = CrossValidation.multiclass(iris, 5, 1, Scaling.MIN_MAX,
                NesterovLogisticRegression.defaults().withSigmoid(Sigmoid.KIM_DEGREE_5).withIterations(14));
        System.out.printf(Locale.ROOT, "iris one-vs-rest 5-fold accuracy: IRLS %.4f, Nesterov (deg 5, 14 it) %.4f%n%s",
                irls.meanAccuracy(), nesterov.meanAccuracy(), m.format(iris.classNames()));
    }

    /**
     * Issue 3 asks the encrypted Nesterov trainer (Kim degree 3, 7 iterations) for an AUC within 0.02 of exact
     * (IRLS) logistic regression on every HELR set. The encrypted trainer reproduces the double-precision
     * algorithm, so this is decided here. Per-feature scalings do not get there: with Kim et al.'s max-abs
     * normalisation, pcs, uis and nhanes3 stay 0.03 to 0.23 below IRLS after 7 steps (printed for the record).
     * Whitening the features on the owner's side conditions the problem, and the same 7 steps land within
     * 0.01 of IRLS on every set; held here.
     */
    @Test
    void nesterovDegree3SevenIterationsAgainstIrlsOnHelr() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String name : HELR) {
            SharedDatasets.file("helr/" + name + ".csv").ifPresent(files::add);
        }
        Assumptions.assumeTrue(!files.isEmpty(), SharedDatasets.missing("helr/*.csv"));
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%-8s %6s %8s %12s %12s %12s %10s %10s%n", "data set", "rows", "features", "AUC Nest(wh)",
                "AUC Nest(ma)", "AUC Nest(mm)", "AUC IRLS", "acc IRLS"));
        List<String> failures = new ArrayList<>();
        NesterovLogisticRegression kim3 = NesterovLogisticRegression.defaults();
        for (Path f : files) {
            Table t = CsvReader.defaults().read(f);
            double wh = CrossValidation.binary(t, 5, 2018, Scaling.WHITEN, kim3).meanAuc();
            double ma = CrossValidation.binary(t, 5, 2018, Scaling.MAX_ABS, kim3).meanAuc();
            double mm = CrossValidation.binary(t, 5, 2018, Scaling.MIN_MAX, kim3).meanAuc();
            var irls = CrossValidation.binary(t, 5, 2018, Scaling.MIN_MAX, ExactLogisticRegression.defaults());
            String name = f.getFileName().toString().replace(".csv", "");
            table.append(String.format(Locale.ROOT, "%-8s %6d %8d %12.4f %12.4f %12.4f %10.4f %10.4f%n", name,
                    t.rows(), t.columns(), wh, ma, mm, irls.meanAuc(), irls.meanAccuracy()));
            if (Math.abs(irls.meanAuc() - wh) > 0.01) {
                failures.add(name + " (IRLS " + irls.meanAuc() + ", whitened Nesterov " + wh + ")");
            }
        }
        System.out.print("5-fold CV (seed 2018); Nesterov: Kim degree 3, 7 iterations, alpha_t = 10/(t+1), lambda_0 = 0;"
                + " wh = whitened, ma = max-abs, mm = min-max [-1,1]\n" + table);
        assertThat(failures).as("data sets where whitened Nesterov is not within 0.01 AUC of IRLS").isEmpty();
    }

    /**
     * Issue 10's target for the scheme {@code veil bench helr} and {@code veil encrypt} train
     * ({@link CertifiedNesterov}, degree 3, 7 iterations), decided here in double precision since the encrypted
     * run equals its plain twin: on every HELR set and with every scaling, held-out accuracy at 1/2 at most 0.01
     * below IRLS and AUC within 0.005 (5-fold CV, seed 2018). Accuracy is held one-sided: on lbw (189 rows,
     * 38 per held-out fold) the scheme is 0.016 above IRLS, 3 rows in all.
     */
    @Test
    void certifiedSchemeMatchesIrlsOnHelrWithEveryScaling() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String name : HELR) {
            SharedDatasets.file("helr/" + name + ".csv").ifPresent(files::add);
        }
        Assumptions.assumeTrue(!files.isEmpty(), SharedDatasets.missing("helr/*.csv"));
        List<String> failures = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        for (Path f : files) {
            Table t = CsvReader.defaults().read(f);
            String name = f.getFileName().toString().replace(".csv", "");
            var irls = CrossValidation.binary(t, 5, 2018, Scaling.MIN_MAX, ExactLogisticRegression.defaults());
            for (Scaling s : Scaling.values()) {
                var c = CrossValidation.binary(t, 5, 2018, s, CertifiedNesterov.asTrainer(3, 7));
                table.append(String.format(Locale.ROOT, "%-8s %-8s acc %.4f (IRLS %.4f) AUC %.4f (IRLS %.4f)%n",
                        name, s.cliName(), c.meanAccuracy(), irls.meanAccuracy(), c.meanAuc(), irls.meanAuc()));
                if (irls.meanAccuracy() - c.meanAccuracy() > 0.01
                        || Math.abs(c.meanAuc() - irls.meanAuc()) > 0.005) {
                    failures.add(name + " " + s.cliName() + ": acc " + c.meanAccuracy() + " vs " + irls.meanAccuracy()
                            + ", AUC " + c.meanAuc() + " vs " + irls.meanAuc());
                }
            }
        }
        System.out.print("certified scheme (degree 3, 7 iterations) vs IRLS, 5-fold CV (seed 2018)\n" + table);
        assertThat(failures).as("accuracy more than 0.01 or AUC more than 0.005 from IRLS").isEmpty();
    }

    @Test
    void crossValidationIsDeterministic() throws IOException {
        var file = SharedDatasets.file("helr/lbw.csv");
        Assumptions.assumeTrue(file.isPresent(), SharedDatasets.missing("helr/lbw.csv"));
        Table t = CsvReader.defaults().read(file.get());
        var a = CrossValidation.binary(t, 5, 7, Scaling.STANDARD, NesterovLogisticRegression.defaults());
        var b = CrossValidation.binary(t, 5, 7, Scaling.STANDARD, NesterovLogisticRegression.defaults());
        assertThat(a).isEqualTo(b);
        assertThat(a.folds()).hasSize(5);
        assertThat(a.folds().stream().mapToInt(CrossValidation.FoldResult::testRows).sum()).isEqualTo(t.rows());
        assertThat(a.meanAuc()).isCloseTo(a.folds().stream().mapToDouble(CrossValidation.FoldResult::auc).average()
                .orElseThrow(), within(1e-15));
    }
}

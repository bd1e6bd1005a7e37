package dev.veil.ml.plain;

import dev.veil.ml.data.Folds;
import dev.veil.ml.data.Metrics;
import dev.veil.ml.data.FeatureTransform;
import dev.veil.ml.data.Scaling;
import dev.veil.ml.data.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * k-fold cross validation: for each fold a {@link Scaler} is fitted on the training rows only, applied to
 * both training and held-out rows, the trainer is fitted on the scaled training rows and evaluated on the
 * scaled held-out rows. Folds come from {@link Folds#of(Table, int, long)} (stratified for classification).
 */
public final class CrossValidation {
    private CrossValidation() {
    }

    /** Held-out metrics of one fold ({@code auc} is NaN for multiclass). */
    public record FoldResult(int fold, int trainRows, int testRows, double accuracy, double auc) {
    }

    /** Per-fold results and their means. */
    public record Result(List<FoldResult> folds, double meanAccuracy, double meanAuc) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "CV[k=%d, accuracy=%.4f, auc=%.4f]", folds.size(), meanAccuracy, meanAuc);
        }
    }

    /**
     * Binary classification: accuracy at probability threshold 0.5 and AUC on each held-out fold.
     *
     * @param table a binary table ({@link Table#isBinary()}); a categorical table with two classes has class 1 positive
     */
    public static Result binary(Table table, int k, long seed, Scaling scaling, BinaryTrainer trainer) {
        if (!table.isBinary()) {
            throw new IllegalArgumentException("binary cross validation needs 0/1 labels or two classes; column '"
                    + table.labelName() + "' has values " + java.util.Arrays.toString(table.distinctLabels()));
        }
        Folds folds = Folds.of(table, k, seed);
        List<FoldResult> results = new ArrayList<>();
        for (int f = 0; f < k; f++) {
            Table train = table.select(folds.train(f));
            Table test = table.select(folds.test(f));
            FeatureTransform scaler = scaling.fit(train.features());
            BinaryClassifier model = trainer.fit(scaler.transform(train.features()), train.labels());
            double[] p = model.probabilities(scaler.transform(test.features()));
            double[] y = test.labels();
            results.add(new FoldResult(f, train.rows(), test.rows(), Metrics.accuracy(y, p, 0.5), Metrics.auc(y, p)));
        }
        return summarise(results);
    }

    /** Multiclass classification by {@link OneVsRest} over {@code trainer}: accuracy per fold (AUC is NaN). */
    public static Result multiclass(Table table, int k, long seed, Scaling scaling, BinaryTrainer trainer) {
        int numClasses = table.numClasses();
        Folds folds = Folds.of(table, k, seed);
        List<FoldResult> results = new ArrayList<>();
        for (int f = 0; f < k; f++) {
            Table train = table.select(folds.train(f));
            Table test = table.select(folds.test(f));
            FeatureTransform scaler = scaling.fit(train.features());
            OneVsRest model = OneVsRest.fit(trainer, scaler.transform(train.features()), train.classIndices(), numClasses);
            int[] predicted = model.predict(scaler.transform(test.features()));
            results.add(new FoldResult(f, train.rows(), test.rows(), Metrics.accuracy(test.classIndices(), predicted),
                    Double.NaN));
        }
        return summarise(results);
    }

    private static Result summarise(List<FoldResult> results) {
        double acc = 0;
        double auc = 0;
        for (FoldResult r : results) {
            acc += r.accuracy();
            auc += r.auc();
        }
        return new Result(List.copyOf(results), acc / results.size(), auc / results.size());
    }
}

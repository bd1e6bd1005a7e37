package dev.veil.cli.local;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.veil.api.Label;
import dev.veil.api.ModelFile;
import dev.veil.he.io.VeilIO;
import dev.veil.ml.data.ConfusionMatrix;
import dev.veil.ml.data.CsvReader;
import dev.veil.ml.data.DataFormatException;
import dev.veil.ml.data.FeatureTransform;
import dev.veil.ml.data.Metrics;
import dev.veil.ml.data.Table;
import dev.veil.ml.plain.LinearModel;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.plain.OneVsRest;

/**
 * A decrypted model (model.json) applied to plaintext rows, for every model kind: the
 * predictions CSV of {@code veil predict --csv} (also written by {@code veil decrypt
 * --predictions}, in the same columns) and the report of {@code veil evaluate}.
 *
 * <p>Predictions CSV columns: logistic {@code probability,predicted} (predicted 1 for the positive
 * class, probability at least 1/2); linear {@code prediction}; one-vs-rest {@code
 * predicted,p_<class>,...} (the predicted class name, then each class's probability, in the model's
 * class order).
 */
final class Scoring {
  private Scoring() {}

  /**
   * Reads the model's feature columns (by name, in the model's order) and, when {@code
   * withLabels}, its label column: 0/1 or the model's class names for classifiers, numbers for
   * linear regression.
   */
  static Table read(ModelFile m, Path csv, boolean withLabels) throws IOException {
    Store.requireFile(csv);
    CsvReader reader = CsvReader.defaults().withFeatures(m.featureNames());
    try {
      if (withLabels) {
        reader = reader.withLabel(m.label().name());
        if (m.label().classes() != null) {
          reader = reader.withClasses(m.label().classes());
        } else {
          reader = reader.withLabelType(CsvReader.LabelType.NUMERIC);
        }
        return reader.read(csv);
      }
      return Unlabelled.read(reader, csv, m.label() == null ? null : m.label().name());
    } catch (DataFormatException e) {
      throw Store.bad(e);
    }
  }

  /** The model's outputs on scaled rows: one row of values per input row. */
  record Outputs(ModelKind kind, double[][] values, List<String> classes) {
    /** Logistic probabilities, linear predictions: the first value of each row. */
    double[] first() {
      double[] v = new double[values.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = values[i][0];
      }
      return v;
    }

    /** One-vs-rest: the predicted class of each row (highest value, lowest index on ties). */
    int[] argmax() {
      int[] out = new int[values.length];
      for (int i = 0; i < values.length; i++) {
        out[i] = argmax(values[i]);
      }
      return out;
    }

    static int argmax(double[] v) {
      int best = 0;
      for (int c = 1; c < v.length; c++) {
        if (v[c] > v[best]) {
          best = c;
        }
      }
      return best;
    }
  }

  /** Applies the model to the rows of a table (scaled with the model's scaler). */
  static Outputs apply(ModelFile m, Table t) {
    ModelKind kind = ModelKind.of(m.model(), "model");
    FeatureTransform scaler = m.scaler().transform();
    double[][] x = scaler.transform(t.features());
    double[][] v = new double[x.length][];
    switch (kind) {
      case LOGISTIC -> {
        LogisticModel model = new LogisticModel(m.weights());
        for (int i = 0; i < x.length; i++) {
          v[i] = new double[] {model.probability(x[i])};
        }
      }
      case LINEAR -> {
        LinearModel model = new LinearModel(m.weights());
        for (int i = 0; i < x.length; i++) {
          v[i] = new double[] {model.predict(x[i])};
        }
      }
      case OVR -> {
        OneVsRest model = oneVsRest(m);
        for (int i = 0; i < x.length; i++) {
          v[i] = model.scores(x[i]);
        }
      }
      default -> throw new IllegalStateException(kind.id());
    }
    return new Outputs(kind, v, m.label() == null ? null : m.label().classes());
  }

  static OneVsRest oneVsRest(ModelFile m) {
    List<LogisticModel> models = new ArrayList<>();
    for (double[] w : m.classWeights()) {
      models.add(new LogisticModel(w));
    }
    return OneVsRest.of(models);
  }

  // ------------------------------------------------------------------ predictions CSV

  /** The header line of a model kind's predictions CSV. */
  static String header(ModelKind kind, List<String> classes) {
    return switch (kind) {
      case LOGISTIC -> "probability,predicted";
      case LINEAR -> "prediction";
      case OVR -> {
        StringBuilder sb = new StringBuilder("predicted");
        for (String c : classes) {
          sb.append(',').append(csvField("p_" + c));
        }
        yield sb.toString();
      }
      default -> throw new IllegalStateException(kind.id());
    };
  }

  /** One line of the predictions CSV. */
  static String line(ModelKind kind, double[] values, List<String> classes) {
    return switch (kind) {
      case LOGISTIC -> String.format(Locale.ROOT, "%.6f,%d", values[0], values[0] >= 0.5 ? 1 : 0);
      case LINEAR -> String.format(Locale.ROOT, "%.6f", values[0]);
      case OVR -> {
        StringBuilder sb = new StringBuilder(csvField(classes.get(Outputs.argmax(values))));
        for (double p : values) {
          sb.append(String.format(Locale.ROOT, ",%.6f", p));
        }
        yield sb.toString();
      }
      default -> throw new IllegalStateException(kind.id());
    };
  }

  /** Writes the predictions CSV atomically. */
  static void write(Path target, Outputs o) throws IOException {
    VeilIO.writeAtomically(target, out -> {
      BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
      w.write(header(o.kind(), o.classes()));
      w.write('\n');
      for (double[] v : o.values()) {
        w.write(line(o.kind(), v, o.classes()));
        w.write('\n');
      }
      w.flush();
    });
  }

  /** A CSV field, quoted when it holds a comma, a quote or a line break. */
  static String csvField(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0
        && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  // ------------------------------------------------------------------ evaluate

  /** The report of {@code veil evaluate} on a labelled CSV. */
  static String evaluate(ModelFile m, Path csv) throws IOException {
    ModelKind kind = ModelKind.of(m.model(), "model");
    if (kind == ModelKind.LOGISTIC) {
      Scored s = score(m, csv, true);
      return Evaluation.of(s.labels(), s.probabilities())
          .format(classNames(m.label()));
    }
    Table t = read(m, csv, true);
    Outputs o = apply(m, t);
    if (kind == ModelKind.LINEAR) {
      double[] y = t.labels();
      double[] p = o.first();
      return String.format(Locale.ROOT, "rows      %d%nRMSE      %.6g%nR2        %.4f%n", y.length,
          Metrics.rmse(y, p), Metrics.r2(y, p));
    }
    int[] actual = t.classIndices();
    int[] predicted = o.argmax();
    Label label = m.label();
    ConfusionMatrix cm = ConfusionMatrix.of(actual, predicted, label.classes().size());
    return String.format(Locale.ROOT, "rows      %d%naccuracy  %.4f%n%n%s", actual.length,
        Metrics.accuracy(actual, predicted), cm.format(label.classes()));
  }

  /** Rows of a CSV scored by a plain logistic model. */
  record Scored(double[] probabilities, double[] labels, Table table) {}

  /**
   * Reads the logistic model's feature columns (and its label column when {@code withLabels})
   * from a CSV and computes the probabilities.
   */
  static Scored score(ModelFile m, Path csv, boolean withLabels) throws IOException {
    Table t = read(m, csv, withLabels);
    double[] labels = null;
    if (withLabels) {
      if (!t.isBinary()) {
        throw Store.bad(csv.getFileName() + ": label column '" + m.label().name()
            + "' holds values other than 0 and 1");
      }
      labels = Workflow.binaryLabels(t);
    }
    FeatureTransform scaler = m.scaler().transform();
    LogisticModel model = new LogisticModel(m.weights());
    double[][] x = scaler.transform(t.features());
    double[] p = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      p[i] = model.probability(x[i]);
    }
    return new Scored(p, labels, t);
  }

  /**
   * Accuracy (threshold 1/2), AUC (NaN when one class is absent), log-loss (the calibration of
   * the probabilities, natural log) and the confusion matrix.
   */
  record Evaluation(int rows, double accuracy, double auc, double logLoss,
      ConfusionMatrix confusion) {
    static Evaluation of(double[] labels, double[] probabilities) {
      double auc;
      try {
        auc = Metrics.auc(labels, probabilities);
      } catch (IllegalArgumentException e) {
        auc = Double.NaN;
      }
      return new Evaluation(labels.length, Metrics.accuracy(labels, probabilities, 0.5), auc,
          Metrics.logLoss(labels, probabilities), ConfusionMatrix.binary(labels, probabilities,
              0.5));
    }

    String format(List<String> classNames) {
      return String.format(Locale.ROOT, "rows      %d%naccuracy  %.4f%nAUC       %s%nlog-loss  %.4f%n"
          + "%n%s", rows, accuracy, Double.isNaN(auc) ? "n/a (one class only)"
          : String.format(Locale.ROOT, "%.4f", auc), logLoss, confusion.format(classNames));
    }
  }

  static List<String> classNames(Label label) {
    return label == null || label.classes() == null ? List.of("0", "1") : label.classes();
  }
}

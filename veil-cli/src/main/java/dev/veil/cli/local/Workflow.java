package dev.veil.cli.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import dev.veil.api.Label;
import dev.veil.client.VeilFiles;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.data.Table;
import dev.veil.ml.plain.Sigmoid;
import dev.veil.ml.train.LogisticTraining;
import dev.veil.ml.train.Planner;
import dev.veil.ml.train.TrainingKind;

/**
 * What the steps of the file-based training workflow share: the names of the files in a key
 * directory, an encrypted data set and an encrypted model, the plan of a logistic run and the
 * small checks every step repeats. The steps themselves, for each {@link ModelKind} (logistic,
 * linear, ovr), are {@link Keys} (keygen), {@link Encryption} (encrypt), {@link Training} (train)
 * and {@link Models} (decrypt, reading model.json); applying a decrypted model to plaintext rows
 * is {@link Scoring}, encrypted inference {@link Inference}. Each step reads and writes the files
 * described in the README ("Encrypted training from the command line"); every output is written
 * to a temporary file or directory first and moved into place only when complete. The model kind
 * is recorded in every metadata file and checked at every step.
 *
 * <p>Who holds what: the key directory's {@code secret.key} stays with the data owner; {@code
 * train} reads only the encrypted data set (ciphertexts, public parameters and metadata) and
 * {@code evaluation.keys}.
 */
public final class Workflow {
  private Workflow() {}

  // the file names the SDK uploads and downloads are these: one definition, in VeilFiles
  // key directory
  static final String SECRET_KEY = VeilFiles.SECRET_KEY;
  static final String PUBLIC_KEY = VeilFiles.PUBLIC_KEY;
  static final String EVALUATION_KEYS = VeilFiles.EVALUATION_KEYS;
  public static final String PARAMS = VeilFiles.PARAMS;
  static final String PLAN = VeilFiles.PLAN;
  // encrypted data set and encrypted model directories
  public static final String META = VeilFiles.META;
  public static final String WEIGHTS = VeilFiles.WEIGHTS;

  /** Scale of the training ciphertexts, 2^40. */
  static final int TRAINING_SCALE_BITS = Planner.DEFAULT_SCALE_BITS;

  /** The logistic design's file: ciphertext c of z. */
  static String tableFile(int c) {
    return tableFile("z", c);
  }

  /** Ciphertext c of the named table. */
  static String tableFile(String table, int c) {
    return VeilFiles.tablePart(table, c);
  }

  /** The tables of a data set of this kind: {@link TrainingKind#tables}. */
  static List<String> tables(ModelKind kind, int classes) {
    if (kind == ModelKind.INFERENCE) {
      throw new IllegalArgumentException("no training tables for inference");
    }
    return kind.training().tables(classes);
  }

  /** The encrypted one-vs-rest weights of class c. */
  public static String classWeightsFile(int c) {
    return String.format(Locale.ROOT, "weights-c%03d.ct", c);
  }

  /** Threads for the engine: one per processor. */
  public static int threads() {
    return Runtime.getRuntime().availableProcessors();
  }

  static Sigmoid sigmoid(int degree) {
    try {
      return LogisticTraining.sigmoid(degree);
    } catch (IllegalArgumentException e) {
      throw Store.bad("--degree must be 3, 5 or 7 (Kim et al.'s sigmoid approximations), got "
          + degree);
    }
  }

  /** The run {@link LogisticTraining} plans, the degree checked with the option's name. */
  static Planner planner(int rows, int features, int iterations, int degree) {
    sigmoid(degree);
    return LogisticTraining.planner(rows, features, iterations, degree);
  }

  /** Reads {@code params.bin}; bad input if its digest is not {@code expectedDigest} (if given). */
  public static Parameters readParams(Path file, String expectedDigest) throws IOException {
    Parameters p = Store.readVeil(file, VeilIO::readParameters);
    if (expectedDigest != null && !expectedDigest.equals(p.digestHex())) {
      throw Store.bad(file + ": parameters " + p.shortId() + " differ from the ones its metadata"
          + " names (" + expectedDigest.substring(0, 8) + ")");
    }
    return p;
  }

  /** 0/1 labels of a binary table (class 1 of a categorical table is positive). */
  static double[] binaryLabels(Table t) {
    if (!t.isCategorical()) {
      return t.labels();
    }
    return Arrays.stream(t.classIndices()).asDoubleStream().toArray();
  }

  static int classCount(Label label, Path dir) {
    if (label == null || label.classes() == null || label.classes().size() < 2) {
      throw Store.bad(dir.resolve(META) + ": a one-vs-rest data set needs the label's class"
          + " names (at least 2)");
    }
    return label.classes().size();
  }
}

package dev.veil.client;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import dev.veil.api.DataInfo;
import dev.veil.api.RowsInfo;

/**
 * The file names of the directories the {@code veil} command line writes, which the SDK's helpers
 * read: a key directory ({@code veil keygen}), an encrypted data set ({@code veil encrypt}),
 * rows encrypted for inference ({@code veil encrypt --schema}), an encrypted model ({@code veil
 * train}) and encrypted predictions ({@code veil predict --data}).
 */
public final class VeilFiles {
  private VeilFiles() {}

  /** The parameters, in every directory. */
  public static final String PARAMS = "params.bin";
  /** The public key (key directory; a copy in a rows directory). */
  public static final String PUBLIC_KEY = "public.key";
  /** The evaluation keys (key directory). */
  public static final String EVALUATION_KEYS = "evaluation.keys";
  /** The secret key (key directory): never read by the SDK. */
  public static final String SECRET_KEY = "secret.key";
  /** What the keys were planned for (key directory). */
  public static final String PLAN = "plan.json";
  /** The public metadata of a data set, rows, an encrypted model or predictions. */
  public static final String META = "meta.json";
  /** The encrypted weights of a logistic or linear model. */
  public static final String WEIGHTS = "weights.ct";

  /** Format tag of a data set's {@code meta.json}: {@link DataInfo#FORMAT}. */
  public static final String DATA_FORMAT = DataInfo.FORMAT;
  /** Format tag of a rows directory's {@code meta.json}: {@link RowsInfo#FORMAT}. */
  public static final String ROWS_FORMAT = RowsInfo.FORMAT;

  /** Part {@code index} of a logistic data set: {@code z-00000.ct}, ... */
  public static String datasetPart(int index) {
    return String.format(Locale.ROOT, "z-%05d.ct", index);
  }

  /** Ciphertext {@code index} of the named table of a data set: {@code a-00000.ct}, ... */
  public static String tablePart(String table, int index) {
    return String.format(Locale.ROOT, "%s-%05d.ct", table, index);
  }

  /** Feature {@code feature} of batch {@code batch} of rows for inference. */
  public static String rowsFile(int batch, int feature) {
    return String.format(Locale.ROOT, "x-%05d-%04d.ct", batch, feature);
  }

  /** Output column {@code column} of batch {@code batch} of encrypted predictions. */
  public static String predictionsFile(int column, int batch) {
    return String.format(Locale.ROOT, "out-%03d-%05d.ct", column, batch);
  }

  /**
   * The key id of a public key file: the first 16 hex digits of its SHA-256, as {@code veil
   * keygen} records it and the server reports it.
   */
  public static String keyId(Path publicKey) throws IOException {
    return Digests.sha256(List.of(publicKey)).substring(0, 16);
  }
}

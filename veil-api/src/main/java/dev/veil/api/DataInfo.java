package dev.veil.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.veil.ml.train.TrainingKind;

/**
 * {@code data.veil/meta.json} ({@code veil encrypt}, format {@value #FORMAT}): the public
 * description of an encrypted training data set, as the file holds it, as a data owner uploads
 * it and as the server shows it. None of it is secret; the scaler (fitted on the owner's data) is
 * shown to the owner only: others see it null, and null fields are omitted. The counts are
 * boxed so that a missing one stays missing (a request that lacks it is refused, not read as 0).
 *
 * @param format {@value #FORMAT}
 * @param model the model kind it was encrypted for: logistic, linear or ovr
 * @param rows training rows
 * @param features feature columns
 * @param featureNames their names, or null
 * @param label the label column (for class labels its classes; for a regression label its
 *     standardisation)
 * @param scaler the owner's feature scaling, or null
 * @param iterations training iterations the keys were planned for, or null
 * @param degree the sigmoid's degree, or null
 * @param slots slots per ciphertext, or null
 * @param ciphertexts ciphertext files: the parts of an upload
 * @param paramsDigest the parameters' digest
 * @param keyId the key pair's id (first 16 hex digits of SHA-256 of {@code public.key})
 * @param tables the tables the data set holds for its model kind, in part order ({@code
 *     TrainingKind#tables}: {@code z}; {@code a, w}; {@code z-c000, z-c001, ...} one label table
 *     per class for ovr), each of {@code ciphertexts} parts; null in files written before it was
 *     recorded: the kind's tables for the label's classes
 * @param schedule the certified logistic run the rows were prepared for (the scaler then holds
 *     the standardisation), or null: Kim et al.'s schedule (ovr, linear, older files)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DataInfo(String format, String model, Integer rows, Integer features,
    List<String> featureNames, Label label, Scaling scaler, Integer iterations, Integer degree,
    Integer slots, Integer ciphertexts, String paramsDigest, String keyId, List<String> tables,
    TrainingSchedule schedule) {
  /** The format tag of an encrypted data set. */
  public static final String FORMAT = "veil-data/1";

  /** A data set without a certified schedule. */
  public DataInfo(String format, String model, Integer rows, Integer features,
      List<String> featureNames, Label label, Scaling scaler, Integer iterations, Integer degree,
      Integer slots, Integer ciphertexts, String paramsDigest, String keyId, List<String> tables) {
    this(format, model, rows, features, featureNames, label, scaler, iterations, degree, slots,
        ciphertexts, paramsDigest, keyId, tables, null);
  }

  /**
   * Checks the description on its own: the format tag, the model, rows, features and ciphertexts
   * present and positive, iterations and degree not negative and slots positive when present, one
   * feature name per feature and a valid scaler of as many features when present. Whether it
   * matches a key set or keys is the reader's check.
   *
   * @return this
   * @throws IllegalArgumentException naming the field
   */
  public DataInfo validate() {
    FileChecks.format(format, FORMAT);
    FileChecks.present(model, "model");
    FileChecks.atLeast(rows, 1, "rows");
    int d = FileChecks.atLeast(features, 1, "features");
    FileChecks.atLeast(ciphertexts, 1, "ciphertexts");
    FileChecks.optionalAtLeast(iterations, 0, "iterations");
    FileChecks.optionalAtLeast(degree, 0, "degree");
    FileChecks.optionalAtLeast(slots, 1, "slots");
    FileChecks.featureNames(featureNames, d);
    FileChecks.scaler(scaler, d, "the data set");
    TrainingKind kind = TrainingKind.of(model);
    List<String> expected = kind.tables(label == null || label.classes() == null ? 0
        : label.classes().size());
    if (tables != null && !tables.equals(expected)) {
      throw new IllegalArgumentException("tables: a " + kind.id() + " data set of this label"
          + " holds the tables " + expected + ", the metadata names " + tables);
    }
    if (schedule != null) {
      if (kind != TrainingKind.LOGISTIC) {
        throw new IllegalArgumentException("schedule: only a logistic data set has one, this is "
            + kind.id());
      }
      schedule.validate();
      if (degree != null && degree != 0 && degree != schedule.degree()) {
        throw new IllegalArgumentException("schedule: a degree-" + schedule.degree()
            + " sigmoid, the data set says degree " + degree);
      }
    }
    return this;
  }

  /**
   * The tables the data set holds, in part order: {@link #tables} or, where a file does not
   * record them, the kind's tables for the label's classes.
   *
   * @throws IllegalArgumentException for an unknown kind, or ovr without 2 classes or more
   */
  @JsonIgnore
  public List<String> tableNames() {
    if (tables != null) {
      return tables;
    }
    return TrainingKind.of(model).tables(label == null || label.classes() == null ? 0
        : label.classes().size());
  }

  /** The data set's parts: {@link #tableNames()} times {@link #ciphertexts} each. */
  @JsonIgnore
  public int partCount() {
    return tableNames().size() * ciphertexts;
  }

  /** The same without the scaler: what users other than the owner see. */
  public DataInfo withoutScaler() {
    return new DataInfo(format, model, rows, features, featureNames, label, null, iterations,
        degree, slots, ciphertexts, paramsDigest, keyId, tables, schedule);
  }
}

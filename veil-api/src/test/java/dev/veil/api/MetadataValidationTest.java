package dev.veil.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The metadata records' {@code validate()}: what each refuses, with the field in the message. */
class MetadataValidationTest {
  private static final Scaling SCALER =
      new Scaling("MIN_MAX", new double[] {0, 1}, new double[] {2, 3});
  private static final List<String> NAMES = List.of("a", "b");

  private static void refused(ThrowingCallable call, String message) {
    assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  private static DataInfo data(String format, Integer rows, Integer features,
      List<String> names, Scaling scaler, Integer iterations, Integer slots,
      Integer ciphertexts) {
    return new DataInfo(format, "logistic", rows, features, names, new Label("y", null), scaler,
        iterations, 3, slots, ciphertexts, "ab12", "k", null);
  }

  @Test
  void aDataSetsMetadataNamesItsWrongField() {
    DataInfo good = data(DataInfo.FORMAT, 100, 2, NAMES, SCALER, 5, 8192, 2);
    assertThat(good.validate()).isSameAs(good);
    refused(() -> data("veil-model/1", 100, 2, NAMES, SCALER, 5, 8192, 2).validate(),
        "format is 'veil-model/1', expected 'veil-data/1'");
    refused(() -> data(DataInfo.FORMAT, null, 2, NAMES, SCALER, 5, 8192, 2).validate(),
        "rows is missing");
    refused(() -> data(DataInfo.FORMAT, 0, 2, NAMES, SCALER, 5, 8192, 2).validate(),
        "rows must be at least 1, got 0");
    refused(() -> data(DataInfo.FORMAT, 100, 2, NAMES, SCALER, 5, 8192, null).validate(),
        "ciphertexts is missing");
    refused(() -> data(DataInfo.FORMAT, 100, 2, NAMES, SCALER, -1, 8192, 2).validate(),
        "iterations must be at least 0, got -1");
    refused(() -> data(DataInfo.FORMAT, 100, 2, NAMES, SCALER, 5, 0, 2).validate(),
        "slots must be at least 1, got 0");
    refused(() -> data(DataInfo.FORMAT, 100, 3, NAMES, null, 5, 8192, 2).validate(),
        "featureNames has 2 names for 3 features");
    refused(() -> data(DataInfo.FORMAT, 100, 2, Arrays.asList("a", null), null, 5, 8192, 2)
        .validate(), "featureNames: each name must be present");
    Scaling three = new Scaling("STANDARD", new double[3], new double[] {1, 1, 1});
    refused(() -> data(DataInfo.FORMAT, 100, 2, NAMES, three, 5, 8192, 2).validate(),
        "scaler describes 3 features, the data set has 2");
    Scaling zero = new Scaling("MIN_MAX", new double[2], new double[] {1, 0});
    assertThatThrownBy(() -> data(DataInfo.FORMAT, 100, 2, NAMES, zero, 5, 8192, 2).validate())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("scaler: feature 1");
    // the optional fields may be missing
    data(DataInfo.FORMAT, 100, 2, null, null, null, null, 2).validate();
  }

  /** A certified data set: its schedule is checked, its scaler composes the standardisation. */
  @Test
  void aScheduleAndAStandardisationAreChecked() {
    double[] cubic = {0.5, 0.1, 0, -0.001};
    TrainingSchedule ok = new TrainingSchedule("wls3[12,2]", cubic, 12, 2, 2.5, 1, 9.5, 4);
    Scaling std = SCALER.withStandardisation(new double[][] {{2, 0}, {1, 1}},
        new double[] {-1, 0.5});
    DataInfo good = new DataInfo(DataInfo.FORMAT, "logistic", 100, 2, NAMES,
        new Label("y", null), std, 5, 3, 8192, 2, "ab12", "k", null, ok);
    assertThat(good.validate()).isSameAs(good);
    // (x - 0) / 2 = 1, (x - 1) / 3 = 1, then (2 * 1 - 1, 1 + 1 + 0.5)
    assertThat(std.transform().transform(new double[] {2, 4})).containsExactly(1, 2.5);
    assertThat(std.base().transform().transform(new double[] {2, 4})).containsExactly(1, 1);
    refused(() -> new TrainingSchedule("s", cubic, 12, 2, 2.5, 1, 13, 4).validate(),
        "schedule: maxInnerProduct 13.0 is not in [0, bound = 12.0]");
    refused(() -> new TrainingSchedule("s", new double[] {0.5, 0.1, 0}, 12, 2, 2.5, 1, 1, 4)
        .validate(), "schedule: the sigmoid must have degree 3, 5 or 7, got 2");
    refused(() -> new DataInfo(DataInfo.FORMAT, "logistic", 100, 2, NAMES, new Label("y", null),
        std, 5, 5, 8192, 2, "ab12", "k", null, ok).validate(),
        "schedule: a degree-3 sigmoid, the data set says degree 5");
    refused(() -> new TrainingSchedule("s", cubic, 12, 2, 2.5, 1, 1, 0.5).validate(),
        "schedule: inputBound must be finite and >= 1, got 0.5");
    Scaling wrong = SCALER.withStandardisation(new double[][] {{1, 0}}, new double[] {0});
    assertThatThrownBy(() -> wrong.transform()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("standardisation:");
  }

  @Test
  void aModelFileNeedsWeightsOfItsShape() {
    refused(() -> new ModelFile("veil-encrypted-model/1", "logistic", NAMES, null, SCALER,
        new double[3], null, null).validate(),
        "format is 'veil-encrypted-model/1', expected 'veil-model/1'");
    refused(() -> new ModelFile(ModelFile.FORMAT, null, NAMES, null, SCALER, new double[3], null,
        null).validate(), "model is missing");
    refused(() -> new ModelFile(ModelFile.FORMAT, "linear", List.of(), null, null, new double[1],
        null, null).validate(), "featureNames must list at least one feature");
    refused(() -> new ModelFile(ModelFile.FORMAT, "logistic", NAMES, null, SCALER, new double[2],
        null, null).validate(),
        "weights must hold the intercept and one weight per feature (3 values), got 2");
    refused(() -> new ModelFile(ModelFile.FORMAT, "linear", NAMES, null, SCALER,
        new double[] {0, Double.NaN, 1}, null, null).validate(),
        "weights must be finite, got NaN");
    double[][] two = {{1, 2, 3}, {4, 5}};
    refused(() -> new ModelFile(ModelFile.FORMAT, "ovr", NAMES, null, SCALER, null, two, null)
        .validate(),
        "classWeights[1] must hold the intercept and one weight per feature (3 values), got 2");
    refused(() -> new ModelFile(ModelFile.FORMAT, "ovr", NAMES, null, SCALER, new double[3],
        null, null).validate(), "classWeights must hold one weight vector per class (two or"
        + " more) and weights must be absent for a one-vs-rest model");
    Scaling one = new Scaling("MAX_ABS", new double[1], new double[] {1});
    refused(() -> new ModelFile(ModelFile.FORMAT, "logistic", NAMES, null, one, new double[3],
        null, null).validate(), "scaler describes 1 features, the model has 2");
  }

  @Test
  void aModelFilesDecryptionRecordIsChecked() {
    ModelFile m = new ModelFile(ModelFile.FORMAT, "logistic", NAMES, null, SCALER, new double[3],
        null, null);
    assertThat(m.sharable()).isFalse();
    assertThat(m.withDecryption(DecryptionInfo.exact()).validate().sharable()).isFalse();
    DecryptionInfo flooded = new DecryptionInfo("flooded", 30, 16L, 33.5, 9.25);
    assertThat(m.withDecryption(flooded).validate().sharable()).isTrue();
    refused(() -> m.withDecryption(new DecryptionInfo("rounded", null, null, null, null))
        .validate(), "decryption.mode must be 'flooded' or 'exact', got 'rounded'");
    refused(() -> m.withDecryption(new DecryptionInfo("flooded", 29, 16L, 33.5, 9.0))
        .validate(), "decryption.securityBits must be in [30, 128], got 29");
    refused(() -> m.withDecryption(new DecryptionInfo("flooded", 30, 0L, 33.5, 9.0))
        .validate(), "decryption.sharedDecryptions must be at least 1");
    refused(() -> m.withDecryption(new DecryptionInfo("flooded", 30, 16L, null, 9.0))
        .validate(), "decryption.log2Sigma is missing");
    refused(() -> m.withDecryption(new DecryptionInfo("flooded", 30, 16L, 33.0, Double.NaN))
        .validate(), "decryption.log2Sigma and precisionBits must be finite");
    refused(() -> m.withDecryption(new DecryptionInfo("exact", 30, null, null, null))
        .validate(), "an exact decryption has no flooding fields");
  }

  @Test
  void keysEncryptedModelsSchemasRowsAndPredictionsNameTheirWrongField() {
    refused(() -> new KeysInfo(KeysInfo.FORMAT, "logistic", -1, 2, 5, 3, null, 14, 20, 40, "ab",
        "k", new int[0]).validate(), "rows must be at least 0, got -1");
    refused(() -> new KeysInfo(KeysInfo.FORMAT, "logistic", 8, 2, 5, 3, null, 14, 20, 40, "ab",
        "k", null).validate(), "rotations is missing");
    refused(() -> new KeysInfo("veil-rows/1", "logistic", 8, 2, 5, 3, null, 14, 20, 40, "ab",
        "k", new int[0]).validate(), "format is 'veil-rows/1', expected 'veil-keys/1'");
    refused(() -> new EncryptedModelInfo(EncryptedModelInfo.FORMAT, "logistic", 2, NAMES, null,
        null, null, null, "k").validate(), "paramsDigest is missing");
    refused(() -> new EncryptedModelInfo(EncryptedModelInfo.FORMAT, "logistic", 0, null, null,
        null, null, "ab", "k").validate(), "features must be at least 1, got 0");
    refused(() -> new SchemaFile(SchemaFile.FORMAT, "logistic", null, null, SCALER).validate(),
        "featureNames is missing");
    refused(() -> new RowsInfo(RowsInfo.FORMAT, "logistic", 10, 2, NAMES, SCALER,
        "probabilities", 3, 4, 2, "ab", "k").validate(),
        "batches is 2, 10 rows in 4 slots make 3");
    refused(() -> new RowsInfo(RowsInfo.FORMAT, "logistic", 10, 3, NAMES, SCALER,
        "probabilities", 3, 4, 3, "ab", "k").validate(),
        "featureNames has 2 names for 3 features");
    refused(() -> new PredictionsInfo(PredictionsInfo.FORMAT, "logistic", "scores", 0, 0, 1, 4,
        0, null, null, "ab", "k").validate(), "rows must be at least 1, got 0");
    refused(() -> new PredictionsInfo(PredictionsInfo.FORMAT, "logistic", null, 0, 5, 1, 4, 2,
        null, null, "ab", "k").validate(), "output is missing");
    refused(() -> new PredictionsInfo(PredictionsInfo.FORMAT, "ovr", "scores", 0, 5, 0, 4, 2,
        null, null, "ab", "k").validate(), "columns must be at least 1, got 0");
  }
}
